"""Ray mode against embedded mode: streams sustained, and detector batching against one-frame calls.

    PYTHONPATH=$PWD .venv/bin/python bench/ray_capacity.py --streams 4,8,12 --trial-s 20
    PYTHONPATH=$PWD .venv/bin/python bench/ray_capacity.py --part batching --batches 1,2,4,8

Capacity: N simultaneous 720p25 H.264 streams (keyframe every second, keyframe-only decode, 1 analysed
fps) from a real GStreamer RTSP server on this machine, each run by the real `CameraWorker` under the
real supervisor, first embedded (threads in this process), then in Ray mode (the same worker inside
a camera-shard actor on a one-node local Ray cluster started here, health through the coordinator).
The analyzer does no detection (the detector's cost is the same in both modes and is measured in the
batching part), so the ratio shows what the actors, the raylet and the object store cost. A stream is
sustained when its capture time advances at >= 0.95 of wall time over the window and its lag (wall
time minus capture time of its last frame) grows by no more than 1.5 s.

Batching: frames per second of the shipped street detector (ONNX Runtime, CPU) on demo frames:
one-frame `detect` calls against `detect_batch` of B frames, and through the batching detector actor
with B callers at once (frames by object-store reference).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a loopback cluster started by this script

from domain.types import Frame, Violation  # noqa: E402
from ingest.config import CameraConfig  # noqa: E402
from ingest.health import CameraHealthSnapshot  # noqa: E402
from ingest.protocols import FrameAnalyzer, ViolationSink  # noqa: E402
from ingest.testclips import write_clip  # noqa: E402
from vision.sink import ListSink  # noqa: E402

CACHE = REPO / "var" / "bench"
LOCATION = {"lat": 30.2, "lon": 120.1, "address": "bench", "grid_code": "0", "responsible_unit": "bench"}


class NoDetection:
    """Every analysed frame passes through the worker (ring, motion gate); nothing is detected."""

    def process(self, frame: Frame, detect: bool) -> list[Violation]:
        return []


class BenchWiring:
    def __init__(self) -> None:
        self._sink: ListSink[CameraConfig] = ListSink()

    def analyzer_for(self, camera: CameraConfig) -> FrameAnalyzer:
        return NoDetection()

    def sink(self) -> ViolationSink:
        return self._sink


def bench_wiring() -> BenchWiring:
    return BenchWiring()


def clip(seconds: int) -> Path:
    path = CACHE / f"street_720p25_gop25_{seconds}s.mp4"
    if not path.exists():
        print(f"encoding {seconds} s of 720p25 footage to {path} (once) ...", flush=True)
        tmp = path.with_suffix(".tmp.mp4")
        write_clip(tmp, seconds=seconds, fps=25, width=1280, height=720, gop=25, noise=3, bitrate=2_000_000)
        tmp.rename(path)
    return path


def cameras(url: str, n: int) -> list[CameraConfig]:
    return [
        CameraConfig.model_validate(
            {"id": f"bench-{i:03d}", "name": f"bench {i}", "source": url, "analysis_fps": 1, "decode": "keyframe",
             "location": LOCATION}
        )
        for i in range(n)
    ]


@dataclass(frozen=True)
class Window:
    sustained: int
    streams: int
    slowest: float  # capture seconds per wall second of the slowest stream
    cpu_cores: float  # ours: this process, plus every process of the Ray cluster in Ray mode
    machine_cores: float  # the whole machine's busy cores (other users included) over the window

    @property
    def cpu_ms_per_stream_s(self) -> float:
        """Our CPU per stream per second: the per-stream cost the deployment plan scales."""
        return 1000 * self.cpu_cores / self.streams


def _machine_busy_s() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(x) for x in fields]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _cpu_s(sessions: Sequence[int]) -> float:
    """CPU seconds of this process and of every live process in the given sessions (each Ray node's
    `ray start` leads one; its workers keep the session but get their own process groups)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, session = int(entry.name), int(fields[3])
        if pid == os.getpid() or session in sessions:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measure(
    health: Callable[[], Sequence[CameraHealthSnapshot]], n: int, warmup_s: float, trial_s: float,
    sessions: Sequence[int] = (),
) -> Window:
    deadline = time.monotonic() + 120  # Ray mode starts its cameras over the coordinator's first passes
    while time.monotonic() < deadline:
        states = [s.state for s in health()]
        if len(states) == n and all(state == "running" for state in states):
            break
        time.sleep(0.5)
    time.sleep(warmup_s)  # from the moment every stream runs, in both modes
    start = {s.camera_id: s for s in health()}
    t0, c0, m0 = time.time(), _cpu_s(sessions), _machine_busy_s()
    time.sleep(trial_s)
    end = {s.camera_id: s for s in health()}
    t1, c1, m1 = time.time(), _cpu_s(sessions), _machine_busy_s()
    rates, ok = [], 0
    for camera_id in [f"bench-{i:03d}" for i in range(n)]:
        a, b = start.get(camera_id), end.get(camera_id)
        if a is None or b is None or a.last_frame_at is None or b.last_frame_at is None:
            rates.append(0.0)
            continue
        rate = (b.last_frame_at - a.last_frame_at).total_seconds() / (t1 - t0)
        lag_a = t0 - a.last_frame_at.timestamp()
        lag_b = t1 - b.last_frame_at.timestamp()
        rates.append(rate)
        ok += rate >= 0.95 and lag_b - lag_a <= 1.5
    return Window(ok, n, min(rates), (c1 - c0) / (t1 - t0), (m1 - m0) / (t1 - t0))


def embedded_trial(url: str, n: int, warmup_s: float, trial_s: float, sessions: Sequence[int]) -> Window:
    from ingest.supervisor import embedded_supervisor

    supervisor = embedded_supervisor(cameras(url, n), lambda c: NoDetection(), ListSink())
    supervisor.start()
    try:
        return measure(supervisor.health, n, warmup_s, trial_s)
    finally:
        supervisor.stop(10)


def ray_trial(url: str, n: int, warmup_s: float, trial_s: float, sessions: Sequence[int]) -> Window:
    from ingest.ray_mode.coordinator import RayCameraCoordinator

    coordinator = RayCameraCoordinator(lambda: cameras(url, n), bench_wiring, None, interval_s=2.0)
    coordinator.start()
    try:
        return measure(coordinator.sync_once, n, warmup_s, trial_s, sessions)  # a fresh pass, not the last one
    finally:
        coordinator.stop()


def part_capacity(ns: list[int], warmup_s: float, trial_s: float) -> None:
    import ray

    from tests.support.ray_cluster import LocalRayCluster
    from tests.support.rtsp import RtspServer

    path = clip(int(warmup_s + trial_s + 60))  # room for the cameras to start (all running first)
    server = RtspServer(None, "--file", str(path)).start()
    cluster = LocalRayCluster()
    cores = os.cpu_count() or 1
    print(f"\n== streams sustained: 720p25 RTSP, keyframe decode, 1 analysed fps, {cores} cores, "
          f"trial {trial_s:.0f} s after {warmup_s:.0f} s warm-up ==", flush=True)
    try:
        cluster.start_head({"enforce_cameras": max(ns)}, num_cpus=cores)
        cluster.wait_for("enforce_cameras", 1)
        ray.init(address=cluster.address, logging_level=logging.ERROR, log_to_driver=False)
        best = {"embedded": 0, "ray": 0}
        sessions = [p.pid for p in cluster.nodes.values()]  # started with start_new_session
        for n in ns:
            for mode, trial in (("embedded", embedded_trial), ("ray", ray_trial)):
                w = trial(server.url("/cam"), n, warmup_s, trial_s, sessions)
                print(f"  {mode:8s} N={n:3d}: {w.sustained}/{n} sustained, slowest {w.slowest:.2f} capture-s/wall-s; "
                      f"our CPU {w.cpu_cores:.2f} cores = {w.cpu_ms_per_stream_s:.0f} ms/s per stream "
                      f"(machine busy {w.machine_cores:.2f} cores, other users included)", flush=True)
                if w.sustained == n:
                    best[mode] = max(best[mode], n)
        capped = " (lower bound: the largest N tried)"
        print(f"  sustained: embedded {best['embedded']}{capped if best['embedded'] == max(ns) else ''}, "
              f"ray {best['ray']}{capped if best['ray'] == max(ns) else ''} -> ratio "
              f"{best['ray'] / max(best['embedded'], 1):.2f}", flush=True)
    finally:
        ray.shutdown()
        cluster.stop()
        server.stop()


def part_batching(batches: list[int], rounds: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import av
    import numpy as np
    import ray

    from ingest.ray_mode.detector_actor import RemoteDetector, start_batching_detector
    from vision.detectors.config import OnnxDetectorConfig
    from vision.detectors.onnx_backend import OnnxDetector

    config = OnnxDetectorConfig(
        type="onnx", weights=REPO / "vision/models/street-v2/street-v2-int8.onnx", image_size=640, confidence=0.25
    )
    frames = []
    with av.open(str(REPO / "demo/parking.mp4")) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % 5 == 0:
                frames.append(np.asarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8))
            if len(frames) == max(batches):
                break
    detector = OnnxDetector(config)
    h, w = frames[0].shape[:2]
    print(f"\n== detector batching: street-v2-int8 (ONNX Runtime, CPU), {w}x{h} demo frames, "
          f"{os.cpu_count()} cores, median of {rounds} rounds ==", flush=True)

    def fps(run: Callable[[], object], count: int) -> float:
        run()  # warm
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
        return count / statistics.median(times)

    one = fps(lambda: [detector.detect(f) for f in frames[:max(batches)]], max(batches))
    print(f"  one-frame detect calls: {one:.1f} frames/s (baseline)")
    for b in batches:
        rate = fps(partial(detector.detect_batch, frames[:b]), b)
        print(f"  detect_batch B={b}: {rate:.1f} frames/s -> {rate / one:.2f} of one-frame calls", flush=True)
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        node = ray.get_runtime_context().get_node_id()
        for b in batches:
            actor = start_batching_detector(f"bench{b}", config, node, max_batch=b, max_wait_s=0.02)
            remote = RemoteDetector(actor)
            with ThreadPoolExecutor(b) as pool:
                batch = frames[:b]
                latencies: list[float] = []

                def call(f: np.ndarray, lat: list[float] = latencies, remote: RemoteDetector = remote) -> None:
                    t = time.perf_counter()
                    remote.detect(f)
                    lat.append(time.perf_counter() - t)

                def round_of_calls(batch: list[np.ndarray] = batch, pool: ThreadPoolExecutor = pool) -> None:
                    list(pool.map(call, batch))

                rate = fps(round_of_calls, b)
            stats = ray.get(actor.stats.remote())
            print(f"  actor, {b} callers at once (max batch {b}): {rate:.1f} frames/s -> {rate / one:.2f} of "
                  f"one-frame calls; mean batch {stats.mean_batch:.1f}, median call latency "
                  f"{1000 * statistics.median(latencies):.0f} ms", flush=True)
            ray.kill(actor)
    finally:
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["all", "capacity", "batching"], default="all")
    parser.add_argument("--streams", default="4,8,12", help="stream counts to try, ascending")
    parser.add_argument("--warmup-s", type=float, default=10.0)
    parser.add_argument("--trial-s", type=float, default=20.0)
    parser.add_argument("--batches", default="1,2,4,8")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    if args.part in ("all", "capacity"):
        part_capacity([int(x) for x in args.streams.split(",")], args.warmup_s, args.trial_s)
    if args.part in ("all", "batching"):
        part_batching([int(x) for x in args.batches.split(",")], args.rounds)


if __name__ == "__main__":
    main()
