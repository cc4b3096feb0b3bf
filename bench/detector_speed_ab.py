"""CPU cost per frame of ONNX detectors side by side, interleaved frame by frame.

The product's ONNX detector (letterbox to the smallest stride-32 rectangle, inference, decode, NMS)
runs each model on the same held-out synthetic 960x540 street frames (seeds 30,000,000 and up, never
used in training), one model after the other on each frame, so load from other processes hits all
of them alike. Prints the median, mean and p95 ms per frame and each model's median over the first
(the baseline, measured in the same run).

    PYTHONPATH=. python bench/detector_speed_ab.py \
        vision/models/street-v1/street-v1-int8.onnx vision/models/street-v2/street-v2-int8.onnx \
        [--frames 40] [--threads 1 2] [--imgsz 640]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.letterbox import rect_shape
from vision.detectors.onnx_backend import OnnxDetector
from vision.synth.street.dataset import render_sample

WARM_UP = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("onnx", type=Path, nargs="+", help="ONNX files; the first is the baseline")
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--imgsz", type=int, default=640)
    args = parser.parse_args()
    missing = [str(p) for p in args.onnx if not p.is_file()]
    if missing:
        parser.error(f"no such ONNX file: {', '.join(missing)}")
    frames = [render_sample(30_000_000 + i)[0] for i in range(args.frames + WARM_UP)]
    height, width = frames[0].shape[:2]
    h, w = rect_shape(height, width, args.imgsz)
    print(f"{args.frames} frames {width}x{height}, input {w}x{h}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'threads':>7s}  {'model':28s} {'median ms':>9s} {'mean':>7s} {'p95':>7s} {'x baseline':>10s}")
    for threads in args.threads:
        detectors = {
            p.name: OnnxDetector(OnnxDetectorConfig(type="onnx", weights=p, image_size=args.imgsz, threads=threads))
            for p in args.onnx
        }
        times: dict[str, list[float]] = {name: [] for name in detectors}
        for i, frame in enumerate(frames):
            for name, detector in detectors.items():
                start = time.perf_counter()
                detector.detect(frame)
                if i >= WARM_UP:
                    times[name].append((time.perf_counter() - start) * 1000)
        base = float(np.median(times[args.onnx[0].name]))
        for name, values in times.items():
            arr = np.array(values)
            print(f"{threads:>7d}  {name:28s} {np.median(arr):9.1f} {arr.mean():7.1f} "
                  f"{np.percentile(arr, 95):7.1f} {np.median(arr) / base:10.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
