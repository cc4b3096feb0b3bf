"""Calibrate `vision.identity`: appearance similarity of the same vehicle and of different vehicles.

    PYTHONPATH=$PWD .venv/bin/python bench/identity_bench.py [--fps 2] [--realdata ../shared/realdata]

Real pairs come from the real-data kit's clips (COCO YOLOv8n INT8 + ByteTrack at `--fps`, clear crops
only; see `real_pairs` for how pairs are labelled without trusting tracker ids).
Synthetic pairs come from the street renderer at the demo parking spot: the same car on frames with
different noise, a look-alike (same body, same colour, another plate, up to 0.4 m away) and a
different car (other body or colour). Prints percentiles and the share of pairs on each side of the
thresholds `vision.identity` uses.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from api.pipeline.real_clips import kit_coco_detector_config, realdata_root
from domain.types import Frame
from vision.detectors.factory import build_detector
from vision.identity import DIFFERENT_VEHICLE_SIMILARITY, SAME_VEHICLE_SIMILARITY, Appearance, appearance_of
from vision.rules.views import covered
from vision.synth.common.rng import make_rng
from vision.synth.street import scenarios
from vision.synth.street.actors import Car
from vision.synth.street.plates import random_plate
from vision.synth.street.scene import StreetScene, render, render_background
from vision.tracking import Tracker

CLIPS = (
    "overhead_parking_lot_car_parks",
    "street_elevated_traffic_with_parked_cars",
    "motorway_overpass_along_axis",
    "cn_beijing_traffic_closeup_plates",
    "overhead_lot_lane_cars_passing",
)


@dataclass(frozen=True)
class Sighting:
    t: float
    track: int
    box: np.ndarray
    look: Appearance


def real_sightings(clip: Path, fps: float) -> list[Sighting]:
    detector = build_detector(kit_coco_detector_config())
    tracker = Tracker(lost_frames=int(fps * 10))
    capture = cv2.VideoCapture(str(clip))
    rate = capture.get(cv2.CAP_PROP_FPS) or 25.0
    step = max(int(round(rate / fps)), 1)
    found: list[Sighting] = []
    for index in itertools.count():
        ok, image = capture.read()
        if not ok:
            break
        if index % step:
            continue
        frame = Frame("bench", index, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=index / rate), image)
        detections = tracker.update(detector.detect(image), frame).only("vehicle", "truck")
        for i, track in enumerate(int(t) for t in detections.track_ids):
            box = detections.boxes[i]
            if track < 0 or covered(box, detections, skip=i):
                continue
            look = appearance_of(image, box)
            if look is not None:
                found.append(Sighting(index / rate, track, box, look))
    return found


def real_pairs(clip: str, sightings: list[Sighting], width: int) -> dict[str, list[float]]:
    """Labels a person can vouch for without labelling boxes (tracker ids swap, so they are not used):
    two boxes on one frame that do not overlap are two vehicles; on the elevated-street clip the
    near-side cars left of a quarter of the width stand parked the whole clip (MANIFEST §3), so boxes
    there that overlap by half >= 2 s apart are one vehicle. Consecutive frames of one moving track
    are listed for the mud-truck rule's frame-to-frame check (ids may swap: indicative only)."""
    pairs: dict[str, list[float]] = defaultdict(list)
    for a, b in itertools.combinations(sightings, 2):
        overlap = _iou(a.box, b.box)
        if a.t == b.t and overlap < 0.1:
            pairs["different vehicles, same frame"].append(a.look.similarity(b.look))
        parked = max(a.box[0] + a.box[2], b.box[0] + b.box[2]) / 2 < width / 4
        if clip.startswith("street_elevated") and parked and abs(a.t - b.t) >= 2.0 and overlap >= 0.5:
            pairs["same parked vehicle, >=2 s apart"].append(a.look.similarity(b.look))
        if a.track == b.track and 0 < b.t - a.t <= 0.6 and overlap < 0.7:
            pairs["same track, moving, next frame (ids may swap)"].append(a.look.similarity(b.look))
    return pairs


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    inter = max(float(w), 0.0) * max(float(h), 0.0)
    union = float((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) - inter
    return inter / union if union > 0 else 0.0


def synthetic_pairs(count: int) -> dict[str, list[float]]:
    """The demo parking scene's curb spot: the same car, look-alikes and different cars."""
    scenario = scenarios.build("parking", seed=0)
    background = render_background(scenario.layout, 0)
    rng = make_rng(11, "identity-bench")
    bodies = ("sedan", "hatchback", "suv", "van")
    colours = ((240, 240, 240), (20, 20, 20), (160, 160, 165), (40, 40, 170), (150, 80, 20), (30, 120, 200))
    pairs: dict[str, list[float]] = defaultdict(list)

    def look(car: Car, seed: int) -> Appearance | None:
        result = render(StreetScene(scenario.layout, cars=(car,)), frame_seed=seed, background=background)
        boxes = [b for b in result.boxes if b.label == "vehicle"]
        return appearance_of(result.image, np.asarray(boxes[0].box, np.float32)) if boxes else None

    for i in range(count):
        body = bodies[int(rng.integers(len(bodies)))]
        colour = colours[int(rng.integers(len(colours)))]
        z = float(rng.uniform(15.0, 28.0))
        car = Car(-5.9, z, 180.0, body, colour, random_plate(rng, "blue"))  # type: ignore[arg-type]
        twin = replace(car, plate=random_plate(rng, "blue"), z=z + float(rng.uniform(-0.4, 0.4)))
        other_body = bodies[(bodies.index(body) + 1 + int(rng.integers(3))) % 4]
        other_colour = colours[(colours.index(colour) + 1 + int(rng.integers(5))) % 6]
        other = replace(car, body=other_body, colour=other_colour)  # type: ignore[arg-type]
        looks = [look(c, seed) for c, seed in ((car, i), (car, i + 1000), (twin, i + 2000), (other, i + 3000))]
        if any(x is None for x in looks):
            continue
        a, a2, b, c = looks
        assert a is not None and a2 is not None and b is not None and c is not None
        pairs["synthetic: same car, other frame"].append(a.similarity(a2))
        pairs["synthetic: look-alike (body, colour)"].append(a.similarity(b))
        pairs["synthetic: different body and colour"].append(a.similarity(c))
    return pairs


def report(pairs: dict[str, list[float]]) -> None:
    same, different = SAME_VEHICLE_SIMILARITY, DIFFERENT_VEHICLE_SIMILARITY
    print(f"{'pairs':42s} {'n':>6s} {'p1':>6s} {'p5':>6s} {'p50':>6s} {'p95':>6s} {'p99':>6s}  "
          f">={same:.2f} (same)  <{different:.2f} (different)")
    for name, values in pairs.items():
        v = np.asarray(values)
        if not len(v):
            continue
        q = np.percentile(v, [1, 5, 50, 95, 99])
        print(f"{name:42s} {len(v):6d} " + " ".join(f"{x:6.3f}" for x in q)
              + f"  {np.mean(v >= same):14.1%}  {np.mean(v < different):16.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fps", type=float, default=2.0)
    parser.add_argument("--realdata", type=Path, default=None)
    parser.add_argument("--synthetic", type=int, default=60, help="synthetic car triples to render")
    args = parser.parse_args()
    root = args.realdata or realdata_root()
    pairs: dict[str, list[float]] = defaultdict(list)
    for name in CLIPS:
        path = root / "clips" / f"{name}.mp4"
        width = int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_WIDTH))
        for key, values in real_pairs(name, real_sightings(path, args.fps), width).items():
            pairs[f"real: {key}"] += values
    pairs.update(synthetic_pairs(args.synthetic))
    report(pairs)


if __name__ == "__main__":
    main()
