"""False roof_structure boxes per frame on real aerial / top-down footage where nothing new is built.

    PYTHONPATH=$PWD .venv/bin/python bench/aerial_real_bench.py [--weights a.pt b.onnx] [--frames 30]
        [--real var/device/aerial_real] [--confidence 0.25 ...]

Runs the product's detector (vision.change.detector.roof_detector: the ONNX backend of vision/detectors, the
street cameras' letterbox and NMS) at the shipped drone confidence (vision.change.config.AERIAL_CONFIDENCE,
the default `drone:` detector's) on evenly spread frames
of the real-data kit's clips (drone_nadir_city_rooftops and overhead_parking_lot_car_parks: no licence,
tests only; overhead_lot_lane_cars_passing: CC BY 4.0, also used as training negatives for aerial-v2),
and on the public-domain Chía drone frames that scripts/fetch_aerial_real.py puts in --real (split
`test`: never trained on; split `review`: dense low-rise roofs that may carry real add-ons, no truth,
so their count is printed but is not a false-box figure). Every box on the clips and on `test` is
false: no structure is new there. aerial-v1 and the shipped model (vision.change.config.AERIAL_V2)
are always measured, beside any --weights (.pt weights are exported to ONNX first so all run through the
same product code).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from vision.change.config import AERIAL_CONFIDENCE, AERIAL_V1, AERIAL_V2, aerial_detector_config
from vision.change.detector import roof_detector
from vision.change.real_negatives import AERIAL_NEGATIVES, false_boxes
from vision.detectors.base import Detector

REPO = Path(__file__).resolve().parents[1]


def onnx_for(weights: Path, work: Path) -> Path:
    """ONNX weights as the product runs them: .onnx as given, .pt exported (640, static, opset 17)."""
    if weights.suffix == ".onnx":
        return weights
    if weights.suffix != ".pt":
        raise ValueError(f"weights must be .pt or .onnx: {weights}")
    from ultralytics import YOLO

    copy = work / f"{weights.parent.name}-{weights.stem}.pt"
    shutil.copyfile(weights, copy)
    return Path(str(YOLO(str(copy)).export(format="onnx", imgsz=640, opset=17, simplify=False)))


def still_counts(detector: Detector, real: Path, use: str) -> tuple[int, int]:
    """(frames, roof_structure boxes) on the manifest's frames with this `use`."""
    frames = boxes = 0
    with (real / "manifest.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["use"] == use:
                image = np.asarray(cv2.imread(str(real / row["file"])), np.uint8)
                boxes += len(detector.detect(image).only("roof_structure"))
                frames += 1
    return frames, boxes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, nargs="*", default=[])
    parser.add_argument("--frames", type=int, default=30, help="frames per clip, evenly spread")
    parser.add_argument("--real", type=Path, default=REPO.parent / "main" / "var" / "device" / "aerial_real")
    parser.add_argument("--confidence", type=float, nargs="*", default=[], help="extra thresholds to print")
    args = parser.parse_args()
    product = AERIAL_CONFIDENCE
    thresholds = [product, *[c for c in args.confidence if c != product]]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        models = {"aerial-v1": AERIAL_V1, f"{AERIAL_V2.stem} (shipped)": AERIAL_V2}
        if AERIAL_V2 == AERIAL_V1:
            models = {"aerial-v1 (shipped)": AERIAL_V1}
        for w in args.weights:
            models[f"{w.parent.name}/{w.name}"] = onnx_for(w, Path(tmp))
        have_real = (args.real / "manifest.tsv").is_file()
        print(f"product confidence {product} (AERIAL_CONFIDENCE); frames per clip {args.frames}")
        header = f"{'model':28s} {'conf':>5s} " + " ".join(f"{c[:22]:>22s}" for c in AERIAL_NEGATIVES)
        if have_real:
            header += f" {'chia_test (held out)':>21s} {'chia_review (no truth)':>23s}"
        print(header)
        for name, weights in models.items():
            for conf in thresholds:
                det = roof_detector(aerial_detector_config(weights, conf))
                row = f"{name:28s} {conf:5.2f} "
                row += " ".join(f"{false_boxes(det, c, args.frames).per_frame:22.2f}" for c in AERIAL_NEGATIVES)
                if have_real:
                    n, b = still_counts(det, args.real, "test")
                    rn, rb = still_counts(det, args.real, "review")
                    row += f" {b / max(n, 1):21.2f} {rb / max(rn, 1):23.2f}"
                print(row, flush=True)
        if not have_real:
            print(f"(no {args.real}/manifest.tsv: run scripts/fetch_aerial_real.py for the Chía frames)")
    print(f"boxes per frame; every box on the clips and on chia_test is false ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
