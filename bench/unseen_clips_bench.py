"""Parking on real clips from outside the real-data kit (never tuned on), with what a person sees in each.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/unseen_clips_bench.py --root DIR [--only NAME ...]

DIR holds the clips named below as `clips/<name>.mp4` (the kit's layout); vision/models/DATA_SOURCES.md
("Clips measured with, outside the kit") gives each one's repository, commit, path and sha256. Each
plays through a real camera worker with the zones below (normalised; 5 s stop time unless named) and
prints the parking cases per zone for the shipped street detector and the kit's COCO YOLOv8n INT8
teacher, beside what a person sees. The clips are short, so the stop times are too; nothing here is a
test (the licences are unstated or unclear: tests only, never shipped or trained on).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from api.pipeline.kit_clips import KitClip, KitZone, Polygon
from api.pipeline.real_clips import realdata_root
from api.pipeline.real_eval import clip_outcome, describe, shipped_detector, teacher_detector
from vision.detectors import build_detector
from vision.detectors.memo import MemoDetector


def _zone(name: str, polygon: Polygon, seconds: float = 5.0) -> KitZone:
    return KitZone(name, "no_parking", polygon, seconds)


UNSEEN = (
    KitClip(
        "street_autos_cctv",
        "fixed CCTV over a wide road (640x360, 29 s, one 10 px jolt at 13.8 s): yellow auto-rickshaws and a "
        "white car parked at the far kerb all clip; cars and motorbikes moving; a crowd stops from 20 s",
        "the kerb's parked vehicles found (rickshaws are not a COCO class); 0 in the lanes (20 s stop)",
        (
            _zone("kerb", ((0.04, 0.06), (0.40, 0.06), (0.40, 0.26), (0.04, 0.26))),
            _zone("lanes-20s", ((0.40, 0.08), (1.0, 0.12), (1.0, 0.95), (0.62, 0.95), (0.30, 0.30)), 20.0),
        ),
        lambda outcome: outcome.parking_cases("lanes-20s") == 0 and outcome.parking_cases("kerb") >= 1,
    ),
    KitClip(
        "night_street_bus_cctv",
        "fixed night CCTV of a narrow street (640x360, 10.5 s): a pink bus parked half out of view at the left "
        "edge and a dark car in the foreground (cut by the bottom edge) all clip; pedestrians, one motorbike",
        "1 case for the bus; the foreground car at most 1; 0 in the lane",
        (
            _zone("bus", ((0.0, 0.0), (0.22, 0.0), (0.22, 0.45), (0.0, 0.45))),
            _zone("car", ((0.03, 0.60), (0.75, 0.60), (0.75, 0.97), (0.03, 0.97))),
            _zone("lane", ((0.22, 0.05), (0.72, 0.05), (0.70, 0.60), (0.15, 0.60))),
        ),
        lambda outcome: outcome.parking_cases("bus") == 1 and outcome.parking_cases("lane") == 0,
    ),
    KitClip(
        "intersection_crash_511",
        "fixed traffic camera over a crossroads (1056x720, 13.4 fps decoded): a crash at about 8 s, then a "
        "maroon car (behind a signal pole) and an SUV stand in the lanes to the end; other traffic passes",
        "2 cases in the incident zone (stopped, not parked: a reviewer rejects them); 0 elsewhere (20 s stop)",
        (
            _zone("incident", ((0.60, 0.38), (0.95, 0.38), (0.95, 0.52), (0.60, 0.52))),
            _zone(
                "lanes-20s",
                ((0.0, 0.33), (0.95, 0.08), (1.0, 0.22), (1.0, 0.62), (0.45, 0.90), (0.0, 0.85)),
                20.0,
            ),
        ),
        lambda outcome: outcome.parking_cases("incident") == 2,
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="folder holding clips/<name>.mp4 for each clip")
    parser.add_argument("--only", nargs="*", default=None, help="clip names to play (default: all)")
    args = parser.parse_args()
    detectors = {
        "street": MemoDetector(build_detector(shipped_detector(Path("configs/cameras.yaml"), "street").config)),
        "coco-yolov8n-int8": MemoDetector(build_detector(teacher_detector(realdata_root()).config)),
    }
    started, passed = time.perf_counter(), {name: 0 for name in detectors}
    clips = [c for c in UNSEEN if args.only is None or c.name in args.only]
    for clip in clips:
        video = args.root / "clips" / f"{clip.name}.mp4"
        if not video.is_file():
            raise SystemExit(f"{video}: missing (see vision/models/DATA_SOURCES.md for where it comes from)")
        print(f"{clip.name}\n  seen: {clip.seen}\n  expected: {clip.expectation}")
        for name, detector in detectors.items():
            outcome = clip_outcome(clip, detector, args.root)
            ok = clip.judge(outcome)
            passed[name] += ok
            print(f"  {'PASS' if ok else 'FAIL'} {name:18s} {describe(clip, outcome)}")
    for name, count in passed.items():
        print(f"clips passed, {name}: {count}/{len(clips)}")
    print(f"({time.perf_counter() - started:.0f} s wall)")


if __name__ == "__main__":
    main()
