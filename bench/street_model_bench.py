"""Held-out figures for the street detector (reproduces the numbers in its MODEL_CARD.md).

Renders the test split (seeds from 20,000,000 up; never used in training or validation), runs
ultralytics validation for per-class mAP50 / mAP50-95, and times ONNX Runtime on this CPU.

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/street_model_bench.py --count 400 --imgsz 960 640
    PYTHONPATH=. YOLO_OFFLINE=1 python bench/street_model_bench.py --count 400 --imgsz 640 \
        --weights vision/models/street-v1/street-v1-int8.onnx --threads 1 --speed-imgsz 640
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from vision.synth.street.dataset import build_street_dataset, render_sample

MODEL_DIR = Path(__file__).resolve().parents[1] / "vision" / "models" / "street-v1"


def per_class(weights: Path, data: Path, imgsz: int, workers: int) -> None:
    from ultralytics import YOLO

    metrics = YOLO(str(weights), task="detect").val(
        data=str(data),
        split="test",
        imgsz=imgsz,
        batch=8,
        device="cpu",
        workers=workers,
        plots=False,
        verbose=False,
    )
    box = metrics.box
    print(f"\n{weights.name} at imgsz {imgsz}: held-out test split")
    print(f"{'class':<16}{'images':>8}{'boxes':>8}{'P':>8}{'R':>8}{'mAP50':>8}{'mAP50-95':>10}")
    counts = metrics.nt_per_class if hasattr(metrics, "nt_per_class") else None
    for i, cls in enumerate(box.ap_class_index):
        name = metrics.names[int(cls)]
        p, r, ap50, ap = box.class_result(i)
        n = int(counts[int(cls)]) if counts is not None else -1
        imgs = int(metrics.nt_per_image[int(cls)]) if hasattr(metrics, "nt_per_image") else -1
        print(f"{name:<16}{imgs:>8}{n:>8}{p:>8.3f}{r:>8.3f}{ap50:>8.3f}{ap:>10.3f}")
    print(f"{'all':<16}{'':>8}{'':>8}{box.mp:>8.3f}{box.mr:>8.3f}{box.map50:>8.3f}{box.map:>10.3f}")


def onnx_speed(onnx_path: Path, frames: int, threads: int, size: int) -> None:
    """The product's ONNX detector (letterbox to the smallest stride-32 rectangle, inference, decode,
    NMS) on held-out 960x540 frames; wall-clock per frame."""
    from vision.detectors.config import OnnxDetectorConfig
    from vision.detectors.letterbox import rect_shape
    from vision.detectors.onnx_backend import OnnxDetector

    detector = OnnxDetector(
        OnnxDetectorConfig(type="onnx", weights=onnx_path, image_size=size, threads=threads)
    )
    times = []
    for i in range(frames + 3):
        image, _ = render_sample(30_000_000 + i)
        t0 = time.perf_counter()
        detector.detect(image)
        if i >= 3:  # warm-up excluded
            times.append((time.perf_counter() - t0) * 1000)
    arr = np.array(times)
    h, w = rect_shape(*image.shape[:2], size)
    print(
        f"\n{onnx_path.name}: ONNX Runtime CPU, {threads} threads, input {w}x{h} for {image.shape[1]}x"
        f"{image.shape[0]} frames, {os.cpu_count()} cores here: "
        f"{arr.mean():.1f} ms/frame mean, {np.median(arr):.1f} median, {np.percentile(arr, 95):.1f} p95 "
        f"(letterbox, inference, decode, NMS; {len(arr)} frames)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=500, help="held-out test images to render")
    parser.add_argument(
        "--data",
        type=Path,
        help="dataset folder with a test split; rendered there if missing "
        "(default var/bench/street-test-<count>)",
    )
    parser.add_argument(
        "--weights",
        type=Path,
        nargs="+",
        default=[MODEL_DIR / "street-v1.pt"],
        help="models to validate (.pt or .onnx, e.g. street-v1-int8.onnx)",
    )
    parser.add_argument(
        "--onnx",
        type=Path,
        nargs="+",
        default=[MODEL_DIR / "street-v1.onnx", MODEL_DIR / "street-v1-int8.onnx"],
        help="ONNX files to time",
    )
    parser.add_argument("--imgsz", type=int, nargs="+", default=[960], help="0 skips the accuracy part")
    parser.add_argument("--speed-frames", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--speed-imgsz", type=int, nargs="+", default=[640, 960])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = args.data or Path("var/bench") / f"street-test-{args.count}"
    if not (root / "data.yaml").is_file():
        t0 = time.perf_counter()
        build_street_dataset(root, 0, 0, args.count, workers=args.workers)
        print(f"rendered {args.count} held-out test images in {time.perf_counter() - t0:.0f} s")
    for weights in args.weights:
        for imgsz in args.imgsz:
            if imgsz:
                per_class(weights, root / "data.yaml", imgsz, args.workers)
    if args.speed_frames:
        print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for onnx_path in args.onnx:
            for size in args.speed_imgsz:
                onnx_speed(onnx_path, args.speed_frames, args.threads, size)


if __name__ == "__main__":
    main()
