"""N camera threads on one detector name: a detector per camera against one shared, batching detector.

Each setup runs in its own child process (so its resident memory is its own), one after the other and
in turn over `--repeats`, on the same real frames: the kit's street clip at 1280x720
(ENFORCE_REALDATA, default ../shared/realdata). Every camera thread calls `detect` on its frames as
fast as it is answered (the capacity case: all cameras have a frame ready). Setups:

- `own`: each camera builds its detector from the cameras file, as with `shared_detector.enabled: false`;
- `shared`: one `SharedDetector` with the cameras file's `shared_detector` settings (one worker unless set);
- `shared-per-core`: the same with a worker per CPU core (batches run side by side).

Prints, per setup and camera count, the median over repeats of process CPU ms per frame
(`time.process_time`, every thread), frames per second (wall), p95 of one `detect` call's wall time,
the mean batch, and resident memory (VmRSS after the run, and the peak).

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/shared_detector_bench.py [--detector street] [--cameras 4 8] \
        [--frames-per-camera 16] [--repeats 2] [--setups own shared shared-per-core]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from api.pipeline.real_clips import realdata_root
from ingest.config import load_config
from vision.detectors import Detector, build_detector
from vision.detectors.shared import SharedDetector, share_detector

REPO = Path(__file__).resolve().parents[1]
CLIP = "street_elevated_traffic_with_parked_cars.mp4"
SETUPS = ("own", "shared", "shared-per-core")


def real_frames(count: int) -> list[np.ndarray]:
    path = realdata_root() / "clips" / CLIP
    capture = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            raise SystemExit(f"{path}: only {len(frames)} frames (set ENFORCE_REALDATA)")
        frames.append(frame)
        for _ in range(4):  # frames 5 apart: the scene moves between them
            capture.grab()
    return frames


def available_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def detectors_for(setup: str, name: str, config_path: Path, cameras: int) -> list[Detector]:
    config = load_config(config_path)
    if setup == "own":
        return [build_detector(config.detectors[name]) for _ in range(cameras)]
    workers = {"workers": available_cores()} if setup == "shared-per-core" else {}
    sharing = config.shared_detector.model_copy(update=workers)
    shared = share_detector(config.detectors[name], sharing)
    shared.callers = cameras  # as `StreetWiring` tells it
    return [shared] * cameras


def child(setup: str, name: str, config_path: Path, cameras: int, per_camera: int) -> dict[str, float]:
    frames = real_frames(per_camera)
    detectors = detectors_for(setup, name, config_path, cameras)
    ready = threading.Barrier(cameras + 1)
    go = threading.Barrier(cameras + 1)
    calls: list[float] = []
    lock = threading.Lock()

    def camera(index: int) -> None:
        detector = detectors[index]
        mine = frames[index % len(frames) :] + frames[: index % len(frames)]  # cameras at different frames
        detector.detect(mine[0])  # warm-up, outside the measured time
        ready.wait()
        go.wait()
        for frame in mine:
            started = time.perf_counter()
            detector.detect(frame)
            with lock:
                calls.append(time.perf_counter() - started)

    threads = [threading.Thread(target=camera, args=(i,)) for i in range(cameras)]
    for thread in threads:
        thread.start()
    ready.wait()
    shared = detectors[0] if isinstance(detectors[0], SharedDetector) else None
    before = shared.stats() if shared else None
    cpu, wall = time.process_time(), time.perf_counter()
    go.wait()
    for thread in threads:
        thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    after = shared.stats() if shared else None
    mean_batch = 1.0
    if shared and before and after and after.batches > before.batches:
        mean_batch = (after.frames - before.frames) / (after.batches - before.batches)
    count = cameras * per_camera
    result = {
        "cpu_ms": 1000 * cpu / count,
        "fps": count / wall,
        "p95_ms": 1000 * float(np.percentile(calls, 95)),
        "batch": mean_batch,
        "rss": rss_mib(),
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if shared:
        shared.close()
    return result


def run_child(args: argparse.Namespace, setup: str, cameras: int) -> dict[str, float]:
    command = [
        sys.executable, __file__, "--child", setup, "--detector", args.detector, "--config", str(args.config),
        "--cameras", str(cameras), "--frames-per-camera", str(args.frames_per_camera),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{setup} x{cameras} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detector", default="street", help="a detector name of the cameras file")
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "cameras.yaml")
    parser.add_argument("--cameras", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--frames-per-camera", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each setup, in turn; medians are printed")
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=list(SETUPS))
    parser.add_argument("--child", choices=SETUPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.detector, args.config, args.cameras[0], args.frames_per_camera)
        sys.stdout.write(json.dumps(result) + "\n")
        return
    config = load_config(args.config)
    detector = config.detectors[args.detector]
    sharing = config.shared_detector
    print(
        f"{args.detector} ({detector.type}, threads {getattr(detector, 'threads', None)}), {CLIP} 1280x720, "
        f"{args.frames_per_camera} frames per camera; shared: max_batch {sharing.max_batch}, "
        f"max_wait_ms {sharing.max_wait_ms:g}; {available_cores()} cores; "
        f"load average before {os.getloadavg()[0]:.1f}"
    )
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    for _ in range(args.repeats):
        for cameras in args.cameras:
            for setup in args.setups:
                runs.setdefault((setup, cameras), []).append(run_child(args, setup, cameras))
    print(
        f"{'setup':15s} {'cameras':>7s} {'CPU ms/frame':>12s} {'frames/s':>9s} {'p95 call ms':>11s} "
        f"{'mean batch':>10s} {'RSS MiB':>8s} {'peak MiB':>8s}"
    )
    for (setup, cameras), results in runs.items():
        med = {key: statistics.median(r[key] for r in results) for key in results[0]}
        print(
            f"{setup:15s} {cameras:7d} {med['cpu_ms']:12.1f} {med['fps']:9.1f} {med['p95_ms']:11.0f} "
            f"{med['batch']:10.2f} {med['rss']:8.0f} {med['peak']:8.0f}"
        )
    print(f"load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
