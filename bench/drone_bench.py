"""Drone pipeline figures on held-out synthetic data (prints them; no pass/fail).

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/drone_bench.py [--pairs 12] [--map-areas 50] [--skip-video]
        [--weights other.pt]   # also measure another model (.pt; its .onnx beside it for the change figures)

1. New-structure precision / recall, median area error, median position error on held-out
   before/after flights (seeds from vision.synth.aerial.pairs.EVAL_SEEDS).
2. The shipped model's (aerial-v2) mAP50 / mAP50-95 for roof_structure on the held-out test seeds, and
   ONNX ms/frame; with --weights (e.g. vision/models/aerial-v1/aerial-v1.pt) another model's beside it.
3. Time to process a 2-minute 1080p flight video (30 fps) against its 2-minute baseline on this machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

os.environ.setdefault("YOLO_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
from vision.change.config import AERIAL_V2  # noqa: E402 - after YOLO_OFFLINE is set

SHIPPED = AERIAL_V2.stem  # the drone pipeline's model; --weights measures another beside it
MODEL_DIR = AERIAL_V2.parent


def change_figures(work: Path, pairs: int, weights: Path | None = None) -> dict[str, float]:
    from api.pipeline.evaluate_drone import evaluate
    from vision.change.config import aerial_detector_config

    r = evaluate(work / "pairs", pairs, detector=aerial_detector_config(weights) if weights else None)
    name = weights.parent.name if weights else SHIPPED
    print(
        f"[change] {name}: {r.pairs} held-out pairs: precision {r.precision:.3f}  recall {r.recall:.3f}  "
        f"median area error {r.median_area_error:.1%}  "
        f"median position error {r.median_position_error_m:.2f} m  "
        f"({r.true_positive}/{r.truth} true structures found, {r.found} reported, {r.seconds:.0f} s)"
    )
    return {
        "precision": r.precision,
        "recall": r.recall,
        "median_area_error": r.median_area_error,
        "median_position_error_m": r.median_position_error_m,
    }


def candidate_map(yaml: Path, areas: int, weights: Path) -> dict[str, float]:
    from ultralytics import YOLO

    m = YOLO(str(weights)).val(
        data=str(yaml), split="test", imgsz=640, batch=16, device="cpu", plots=False, verbose=False, workers=0
    )
    print(
        f"[detector] {weights} on {areas * 4} held-out test images (seeds 2000000+): "
        f"mAP50 {m.box.map50:.3f}  mAP50-95 {m.box.map:.3f}  P {m.box.mp:.3f}  R {m.box.mr:.3f}"
    )
    return {"candidate_map50": float(m.box.map50), "candidate_map50_95": float(m.box.map)}


def detector_figures(work: Path, areas: int, weights: Path | None = None) -> dict[str, float]:
    import cv2
    import numpy as np
    from ultralytics import YOLO

    from vision.change.config import aerial_detector_config
    from vision.change.detector import roof_detector
    from vision.synth.aerial.dataset import build_dataset

    data = work / "testset"
    yaml = data / "data.yaml"
    if not yaml.is_file() or len(list((data / "test" / "images").glob("*.jpg"))) != areas * 4:
        build_dataset(data, {"test": areas}, views=4, workers=2)
        yaml.write_text(
            yaml.read_text().replace(
                "train: train/images\nval: val/images\n", "train: test/images\nval: test/images\n"
            )
        )
    m = YOLO(str(MODEL_DIR / f"{SHIPPED}.pt")).val(
        data=str(yaml), split="test", imgsz=640, batch=16, device="cpu", plots=False, verbose=False, workers=0
    )
    det = roof_detector(aerial_detector_config())
    images = sorted((data / "test" / "images").glob("*.jpg"))[:40]
    frame = np.asarray(cv2.imread(str(images[0])), np.uint8)
    det.detect(frame)
    t = time.perf_counter()
    for p in images:
        det.detect(np.asarray(cv2.imread(str(p)), np.uint8))
    ms = (time.perf_counter() - t) / len(images) * 1000
    big = np.asarray(cv2.resize(frame, (1920, 1080)), np.uint8)
    t = time.perf_counter()
    for _ in range(10):
        det.detect(big)
    ms_1080 = (time.perf_counter() - t) / 10 * 1000
    print(
        f"[detector] {SHIPPED} on {areas * 4} held-out test images (seeds 2000000+): "
        f"mAP50 {m.box.map50:.3f}  mAP50-95 {m.box.map:.3f}  P {m.box.mp:.3f}  R {m.box.mr:.3f}"
    )
    print(
        f"[detector] ONNX Runtime CPU: {ms:.1f} ms/frame (960x540 incl. jpeg decode), "
        f"{ms_1080:.1f} ms/frame at 1920x1080 (imgsz 640)"
    )
    figures = {
        "map50": float(m.box.map50),
        "map50_95": float(m.box.map),
        "onnx_ms_960x540": ms,
        "onnx_ms_1080p": ms_1080,
    }
    if weights is not None:
        figures |= candidate_map(yaml, areas, weights)
    return figures


def video_figures(work: Path) -> dict[str, float]:
    from ingest.drone.flights import load_video_flight
    from ingest.drone.srt import parse_srt
    from vision.change.config import DroneConfig, aerial_detector_config
    from vision.change.detector import roof_detector
    from vision.change.pipeline import ChangeDetector
    from vision.geometry.geo import LocalFrame
    from vision.synth.aerial.pairs import PairOptions, make_pair

    folder = work / "video-2min"
    opts = PairOptions(size_m=200.0, margin_m=20.0, width=1920, height=1080, fps=30.0, duration_s=120.0)
    if not (folder / "truth.json").is_file():
        t = time.perf_counter()
        make_pair(3_500_000, folder, opts)
        print(f"[video] generated two 2-minute 1080p30 flights in {time.perf_counter() - t:.0f} s")
    truth = json.loads((folder / "truth.json").read_text())
    config = DroneConfig()
    origin = LocalFrame(*truth["origin"])
    detector = ChangeDetector(roof_detector(aerial_detector_config()), config)
    t0 = time.perf_counter()
    before = load_video_flight("before", folder / "before.mp4", folder / "before.SRT", config, origin)
    t1 = time.perf_counter()
    after = load_video_flight("after", folder / "after.mp4", folder / "after.SRT", config, origin)
    t2 = time.perf_counter()
    report = detector.compare(before, after, origin)
    t3 = time.perf_counter()
    frames = truth["flights"]["after"]["frames"]
    from vision.change.evaluate import match_findings, photographed

    seen = photographed(truth["new_structures"], parse_srt(folder / "after.SRT"), 1920, 1080, config.camera, origin)
    tp = match_findings(report.findings, seen)[0]
    print(
        f"[video] 2-minute 1080p30 flight ({frames} frames) vs its 2-minute baseline: "
        f"{t3 - t0:.1f} s total on this machine (decode+select baseline {t1 - t0:.1f} s, "
        f"new {t2 - t1:.1f} s; compare {len(after.frames)} selected frames with {len(before.frames)} "
        f"baseline frames {t3 - t2:.1f} s); {len(report.findings)} findings ({tp} true), "
        f"{len(truth['new_structures'])} new structures of which {len(seen)} photographed by the new flight, "
        f"{len(report.unregistered)} frames unregistered"
    )
    return {"video_total_s": t3 - t0, "video_frames": frames}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=12)
    ap.add_argument("--map-areas", type=int, default=50)
    ap.add_argument("--work", type=Path, default=REPO / "var" / "bench" / "drone")
    ap.add_argument("--skip-video", action="store_true")
    ap.add_argument("--skip-map", action="store_true")
    ap.add_argument("--skip-change", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--weights", type=Path, default=None, help="another .pt, measured beside the shipped model")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    args.work.mkdir(parents=True, exist_ok=True)
    out: dict[str, float] = {}
    if not args.skip_change:
        out |= change_figures(args.work, args.pairs)
        if args.weights is not None:
            onnx = args.weights.with_suffix(".onnx")
            if not onnx.is_file():
                raise SystemExit(f"change figures need the candidate's ONNX export beside it: {onnx}")
            cand = change_figures(args.work, args.pairs, onnx)
            out |= {f"candidate_{k}": v for k, v in cand.items()}
    if not args.skip_map:
        out |= detector_figures(args.work, args.map_areas, args.weights)
    if not args.skip_video:
        out |= video_figures(args.work)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
