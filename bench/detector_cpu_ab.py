"""CPU cost per frame of the cameras file's detectors (any backend), side by side in one run.

Each detector is built as a camera builds it (`configs/cameras.yaml`: backend, threads, image size) and
runs the product's whole detect step (letterbox, inference, decode, NMS) on the same real frames,
taking turns frame by frame, so load from other processes hits all of them alike. Frames: the kit's
ATL traffic-camera valid photos (ENFORCE_REALDATA, default ../shared/realdata) resized to 960x540.
Prints the median CPU time per frame (`time.process_time`: every thread of this process) after one
warm-up pass, and each detector's ratio to the first (the baseline).

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/detector_cpu_ab.py street-v1 street-v2 street [--passes 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import cv2
import numpy as np

from api.pipeline.real_clips import realdata_root
from ingest.config import load_config
from vision.detectors import build_detector

REPO = Path(__file__).resolve().parents[1]


def real_frames(count: int) -> list[np.ndarray]:
    folder = realdata_root() / "datasets" / "atl_traffic_cctv" / "valid" / "images"
    paths = sorted(folder.glob("*.jpg"))[:count]
    if not paths:
        raise SystemExit(f"no ATL photos under {folder} (set ENFORCE_REALDATA)")
    frames = []
    for path in paths:
        image = cv2.imread(str(path))
        if image is None:
            raise SystemExit(f"{path} does not decode")
        frames.append(cv2.resize(image, (960, 540)))
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("detectors", nargs="+", help="detector names of the cameras file; the first is the baseline")
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "cameras.yaml")
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--passes", type=int, default=3, help="passes over the frames; the first warms up")
    args = parser.parse_args()
    config = load_config(args.config)
    unknown = [name for name in args.detectors if name not in config.detectors]
    if unknown:
        raise SystemExit(f"{args.config} has no detectors {unknown}; it has {sorted(config.detectors)}")
    built = {name: build_detector(config.detectors[name]) for name in args.detectors}
    frames = real_frames(args.frames)
    times: dict[str, list[float]] = {name: [] for name in built}
    for turn in range(args.passes):
        for frame in frames:
            for name, detector in built.items():
                started = time.process_time()
                detector.detect(frame)
                if turn:
                    times[name].append(time.process_time() - started)
    base = float(np.median(times[args.detectors[0]]))
    print(
        f"{len(frames)} real frames 960x540, {args.passes - 1} timed passes, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'detector':14s} {'backend':9s} {'CPU ms/frame':>12s} {'x ' + args.detectors[0]:>14s}")
    for name, values in times.items():
        median = float(np.median(values))
        backend = config.detectors[name].type
        print(f"{name:14s} {backend:9s} {1000 * median:12.1f} {median / base:14.2f}")


if __name__ == "__main__":
    main()
