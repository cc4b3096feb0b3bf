"""Ingest benchmark: decode cost of 1080p25 H.264 (full vs keyframe-only) and camera capacity.

    python bench/ingest_bench.py                       # both parts
    python bench/ingest_bench.py --part decode
    python bench/ingest_bench.py --part capacity --full 2,4,6 --keyframe 20,22,24,26,28 --trial-s 15
    python bench/ingest_bench.py --with-detector vision/models/street-v1/street-v1-int8.onnx

Decode cost: CPU milliseconds per second of video (median of --repeats runs), raw decode and
through the pipeline's reader at 1 analysed fps (which adds colour conversion of the sampled frame).

Capacity: N simultaneous 1080p25 streams (keyframe every second) served by a real GStreamer RTSP
server from the same machine, each run by the real `CameraWorker` (reader at 1 analysed fps, motion
gate, ring buffer, analyzer) spread over --procs worker processes. A stream is sustained when its
video time advances at >= 0.95 of wall time over the measured window and its lag does not grow by
more than 1.5 s. The raw limit is found the same way in the same run, with the reader and the
detector alone (no worker, motion gate, ring buffer or analyzer) over the same RTSP server; the
file-decode limit, cores * 1000 / (decode ms per video second + detector ms per frame), is printed
beside it for reference (it leaves out RTSP transport and the server).

Footage (`--footage`): `moving` (default) is the generated clip above, something moving all the time,
the workers' analyzer running the detector on every frame the motion gate passes. `curb` is a curb
camera: demo/parking.mp4 (1080p, parked cars, arrivals, departures, a pedestrian) re-encoded by ffmpeg
at 25 fps with a keyframe every second and light sensor noise, after `CURB_STILL_S` seconds of its first
picture held still (noise only), so a trial window sees a still stretch and then the parking scene. Its
workers run the demo parking camera's zone and the product's `StreetAnalyzer` (detector on the zone's
part of the picture, tracker, parking rule; no plate reader), the motion gate looking near the zone
with the analyzer's hints; the raw limit is still the reader plus the detector on every analysed frame,
whole picture. Each trial prints the share of analysed frames the gate passed to the detector.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import av  # noqa: E402
import numpy as np  # noqa: E402

from ingest.config import CameraConfig  # noqa: E402
from ingest.readers import PyAVReader, ReaderOptions  # noqa: E402
from ingest.testclips import write_clip  # noqa: E402

CACHE = REPO / "var" / "bench"
LOCATION = {"lat": 30.2, "lon": 120.1, "address": "bench", "grid_code": "0", "responsible_unit": "bench"}


def bench_clip(seconds: int) -> Path:
    """1080p25 H.264, keyframe every second, ~4 Mbit/s, moving object + sensor noise (cached)."""
    path = CACHE / f"street_1080p25_gop25_{seconds}s.mp4"
    if not path.exists():
        print(f"encoding {seconds} s of 1080p25 test footage to {path} (once) ...", flush=True)
        tmp = path.with_suffix(".tmp.mp4")
        write_clip(
            tmp,
            seconds=seconds,
            fps=25,
            width=1920,
            height=1080,
            gop=25,
            noise=3,
            bitrate=4_000_000,
            preset="superfast",
            bright_intervals=[(1, seconds)],
        )
        tmp.rename(path)
    return path


CURB_STILL_S = 30


def curb_clip(seconds: int) -> Path:
    """demo/parking.mp4 after CURB_STILL_S s of its first picture, 1080p25, keyframe every second,
    ~4 Mbit/s, light temporal noise (cached)."""
    import subprocess

    path = CACHE / f"curb_1080p25_gop25_{seconds}s.mp4"
    if not path.exists():
        print(f"encoding {seconds} s of 1080p25 curb footage to {path} (once) ...", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.mp4")
        filters = f"tpad=start_duration={CURB_STILL_S}:start_mode=clone:stop_duration={seconds}:stop_mode=clone," \
            "fps=25,noise=alls=3:allf=t,format=yuv420p"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(REPO / "demo" / "parking.mp4"), "-vf", filters,
             "-t", str(seconds), "-c:v", "libx264", "-preset", "superfast", "-g", "25", "-keyint_min", "25",
             "-sc_threshold", "0", "-bf", "0", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M", "-an", str(tmp)],
            check=True,
        )
        tmp.rename(path)
    return path


def curb_zones() -> list[dict[str, Any]]:
    """The demo parking camera's zone, active all day (the bench runs at any hour)."""
    from ingest.config import load_config

    demo = next(c for c in load_config(REPO / "configs" / "cameras.yaml").cameras if c.id == "demo-parking")
    zones = [z.model_dump(mode="json") for z in demo.zones]
    for zone in zones:
        zone["active_hours"] = ["00:00-23:59"]
    return zones


# -- detector plug-in ----------------------------------------------------------------------------------
def load_detector(spec: str | None) -> Any:
    """`path.onnx` (run by the pipeline's ONNX detector, one thread, at INGEST_BENCH_IMGSZ, default
    640: a 1080p frame runs at 640x384), or `module:factory` returning an object with `detect(image)`."""
    if not spec:
        return None
    if spec.endswith(".onnx"):  # the pipeline's own detector: letterbox, inference, decode, NMS
        from vision.detectors.config import OnnxDetectorConfig
        from vision.detectors.onnx_backend import OnnxDetector

        size = int(os.environ.get("INGEST_BENCH_IMGSZ", "640"))
        return OnnxDetector(OnnxDetectorConfig(type="onnx", weights=Path(spec), image_size=size, threads=1))
    module, _, attr = spec.partition(":")
    import importlib

    return getattr(importlib.import_module(module), attr)()


class DetectorAnalyzer:
    """The analyzer used for capacity: runs the detector whenever the motion gate says so."""

    def __init__(self, detector: Any):
        self.detector = detector
        self.runs = 0

    def process(self, frame: Any, detect: bool) -> list[Any]:
        if detect and self.detector is not None:
            self.detector.detect(frame.image)
            self.runs += 1
        return []


class NullSink:
    def submit(self, violation: Any, camera: Any) -> None:
        pass


# -- part 1: decode cost -------------------------------------------------------------------------------
def decode_cpu_ms_per_video_s(path: Path, mode: str, through_reader: bool) -> float:
    with av.open(str(path)) as c:
        seconds = float(c.streams.video[0].duration * c.streams.video[0].time_base)
    start = time.process_time()
    if through_reader:
        opts = ReaderOptions(analysis_fps=1, decode=mode)  # type: ignore[arg-type]
        for _ in PyAVReader("bench", f"file:{path}", opts, start_time=datetime.now(UTC)):
            pass
    else:
        with av.open(str(path)) as c:
            v = c.streams.video[0]
            if mode == "keyframe":
                v.codec_context.skip_frame = "NONKEY"
            for packet in c.demux(v):
                if mode == "keyframe" and not packet.is_keyframe and packet.size:
                    continue
                for _ in packet.decode():
                    pass
    return (time.process_time() - start) * 1000 / seconds


def ring_cpu_ms_per_video_s(path: Path, keep_keyframes: bool) -> float:
    """Keyframe mode at 1 analysed fps, every frame into the worker's ring buffer (JPEG quality 90 as the
    worker's default): the keyframe's own packets kept, or a JPEG encoded."""
    from ingest.ring import FrameRing

    with av.open(str(path)) as c:
        seconds = float(c.streams.video[0].duration * c.streams.video[0].time_base)
    ring = FrameRing(max_seconds=30)
    start = time.process_time()
    opts = ReaderOptions(analysis_fps=1, decode="keyframe", keep_keyframes=keep_keyframes)
    for frame in PyAVReader("bench", f"file:{path}", opts, start_time=datetime.now(UTC)):
        ring.push(frame)
    return (time.process_time() - start) * 1000 / seconds


def detector_ms(detector: Any, repeats: int) -> float:
    if detector is None:
        return 0.0
    image = np.zeros((1080, 1920, 3), np.uint8)
    detector.detect(image)
    times = []
    for _ in range(repeats):
        t = time.process_time()
        detector.detect(image)
        times.append((time.process_time() - t) * 1000)
    return statistics.median(times)


def part_decode(path: Path, repeats: int) -> dict[str, float]:
    results = {}
    print(f"\n== decode cost: {path.name}, CPU ms per second of 1080p25 video (median of {repeats}) ==")
    for mode in ("full", "keyframe"):
        for through_reader in (False, True):
            runs = [decode_cpu_ms_per_video_s(path, mode, through_reader) for _ in range(repeats)]
            key = f"{mode}{'+reader' if through_reader else ''}"
            results[key] = statistics.median(runs)
            label = "reader @1 fps (decode + sample + BGR)" if through_reader else "raw decode"
            print(
                f"  {mode:9s} {label:40s} {results[key]:7.1f} ms"
                f"  (runs: {', '.join(f'{r:.0f}' for r in runs)})"
            )
    for keep in (False, True):  # the ring buffer's cost per frame in keyframe mode
        runs = [ring_cpu_ms_per_video_s(path, keep) for _ in range(repeats)]
        key = f"keyframe+reader+ring({'packets' if keep else 'jpeg'})"
        results[key] = statistics.median(runs)
        label = "... + ring buffer, " + ("keyframe's packets kept" if keep else "JPEG q90 encoded")
        print(f"  keyframe  {label:40s} {results[key]:7.1f} ms  (runs: {', '.join(f'{r:.0f}' for r in runs)})")
    print(f"  keyframe-only costs {results['keyframe+reader'] / results['full+reader']:.1%} of full decode")
    return results


# -- part 2: capacity ----------------------------------------------------------------------------------
@dataclass
class StreamResult:
    ok: bool
    video_s: float
    wall_s: float
    lag_growth_s: float
    analysed: int
    error: str | None
    gate_passed: float = 1.0  # share of analysed frames the motion gate passed to the analyzer's detector


def _run_stream(
    url: str,
    mode: str,
    detector_spec: str | None,
    warmup_s: float,
    trial_s: float,
    out: list[StreamResult],
    stop: threading.Event,
) -> None:
    from ingest.readers import open_reader, options_for
    from ingest.ring import FrameRing
    from ingest.worker import CameraWorker

    decode, _, variant = mode.partition(":")
    curb = os.environ.get("INGEST_BENCH_FOOTAGE") == "curb"
    camera = CameraConfig.model_validate(
        {"id": "bench-cam", "name": "bench", "source": url, "location": LOCATION, "analysis_fps": 1,
         "decode": decode, "zones": curb_zones() if curb else []}
    )
    marks: list[tuple[float, float]] = []  # (wall monotonic, pts seconds)
    errors: list[str] = []

    class Recording:
        def __init__(self, street: bool = False) -> None:
            detector = load_detector(detector_spec)
            self.inner: Any = DetectorAnalyzer(detector)
            if street:
                from vision.analyzer import StreetAnalyzer

                self.inner = StreetAnalyzer(camera.analysis_setup(), detector)
                self.explained_motion = self.inner.explained_motion  # the gate's hints, as the product has

        def process(self, frame: Any, detect: bool) -> list[Any]:
            if frame.pts_seconds is not None:
                marks.append((time.monotonic(), frame.pts_seconds))
            return self.inner.process(frame, detect)

    def open_it(c: CameraConfig) -> Any:
        keep = os.environ.get("INGEST_BENCH_KEYFRAME_PACKETS", "1") == "1"
        return open_reader(c, options_for(c, stall_timeout_s=10, keep_keyframes=keep))

    def raw_loop() -> None:
        """Decode + detector alone: the reader and nothing of the pipeline."""
        analyzer = Recording()
        reader = open_it(camera)
        try:
            for frame in reader:
                analyzer.process(frame, True)
                if stop.is_set():
                    break
        except Exception as exc:  # noqa: BLE001 - reported as the stream's error
            errors.append(str(exc))
        finally:
            reader.close()

    quality = int(os.environ.get("INGEST_BENCH_RING_JPEG", "90"))
    worker = CameraWorker(
        camera, open_it, Recording(street=curb), NullSink(),
        ring=FrameRing(max_seconds=30, jpeg_quality=quality or None),
    )
    target = raw_loop if variant == "raw" else lambda: worker.run(stop)
    thread = threading.Thread(target=target, daemon=True)
    t0 = time.monotonic()
    thread.start()
    stop.wait(warmup_s + trial_s)
    stop.set()
    thread.join(15)  # let the decoder and OpenCV threads wind down before the process exits
    window = [(w, p) for w, p in marks if w >= t0 + warmup_s]
    health = worker.health()
    error = health.last_error or (errors[0] if errors else None)
    if len(window) < 3:
        out.append(StreamResult(False, 0, trial_s, 0, len(marks), error or "too few frames"))
        return
    (w0, p0), (w1, p1) = window[0], window[-1]
    lags = [(w - w0) - (p - p0) for w, p in window]
    growth = max(lags[len(lags) // 2 :]) - min(lags[: max(1, len(lags) // 2)])
    video_s, wall_s = p1 - p0, w1 - w0
    ok = video_s >= 0.95 * wall_s and growth < 1.5 and health.reconnects == 0 and not errors
    passed = 1.0 if variant == "raw" else 1 - health.skipped_by_motion / max(1, health.frames_analysed)
    out.append(StreamResult(ok, video_s, wall_s, growth, len(marks), error, passed))


def _proc_main(
    urls: list[str], mode: str, detector_spec: str | None, warmup_s: float, trial_s: float, queue: Any
) -> None:
    results: list[StreamResult] = []
    threads = [
        threading.Thread(
            target=_run_stream, args=(u, mode, detector_spec, warmup_s, trial_s, results, threading.Event())
        )
        for u in urls
    ]
    for t in threads:
        t.start()
    time.sleep(warmup_s)
    queue.put(("start", None))
    cpu0 = time.process_time()
    time.sleep(trial_s)
    queue.put(("end", time.process_time() - cpu0))
    for t in threads:
        t.join(warmup_s + trial_s + 30)
    queue.put(("results", [r.__dict__ for r in results]))


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Trial:
    streams: list[StreamResult]
    window_s: float
    workers_cpu_s: float
    server_cpu_s: float
    machine_busy_s: float

    @property
    def cpu_ms_per_video_s(self) -> float:
        """Our CPU (workers + RTSP server) per second of video actually processed, so that streams
        which fell behind do not make the pipeline look cheaper."""
        video_per_wall_s = sum(r.video_s / r.wall_s for r in self.streams if r.wall_s > 0)
        video_s = video_per_wall_s * self.window_s
        return 1000 * (self.workers_cpu_s + self.server_cpu_s) / max(video_s, 1e-9)


def run_trial(
    url: str,
    server_pid: int,
    n: int,
    mode: str,
    procs: int,
    detector_spec: str | None,
    warmup_s: float,
    trial_s: float,
) -> Trial:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    shares = [[url] * (n // procs + (1 if i < n % procs else 0)) for i in range(procs)]
    workers = [
        ctx.Process(target=_proc_main, args=(s, mode, detector_spec, warmup_s, trial_s, queue))
        for s in shares
        if s
    ]
    for w in workers:
        w.start()
    timeout = warmup_s + trial_s + 120
    messages: dict[str, list[Any]] = {"start": [], "end": [], "results": []}
    marks: dict[str, tuple[float, float, float]] = {}
    while len(messages["results"]) < len(workers):
        kind, value = queue.get(timeout=timeout)
        messages[kind].append(value)
        if len(messages[kind]) == len(workers) and kind in ("start", "end"):
            marks[kind] = (time.monotonic(), _proc_cpu_s(server_pid), _machine_busy_s())
    for w in workers:
        w.join(30)
    (t0, s0, m0), (t1, s1, m1) = marks["start"], marks["end"]
    streams = [StreamResult(**r) for batch in messages["results"] for r in batch]
    return Trial(streams, t1 - t0, sum(messages["end"]), s1 - s0, m1 - m0)


def _describe(mode: str, n: int, trial: Trial, cores: int, took_s: float) -> None:
    results = trial.streams
    good = sum(r.ok for r in results)
    worst = min(results, key=lambda r: r.video_s / max(r.wall_s, 1e-9))
    others = (trial.machine_busy_s - trial.workers_cpu_s - trial.server_cpu_s) / trial.window_s
    print(
        f"  {mode:12s} N={n:3d}: {good}/{n} sustained; slowest stream {worst.video_s:.1f} s video in "
        f"{worst.wall_s:.1f} s wall, lag growth {worst.lag_growth_s:+.2f} s"
        f"{'; error: ' + worst.error if worst.error and not worst.ok else ''}; gate passed "
        f"{statistics.mean(r.gate_passed for r in results):.0%} of analysed frames [{took_s:.0f} s]\n"
        f"               CPU: workers {trial.workers_cpu_s / trial.window_s:.2f} cores, RTSP server "
        f"{trial.server_cpu_s / trial.window_s:.2f}, other users of this machine {others:.2f}; "
        f"{trial.cpu_ms_per_video_s:.0f} ms CPU per video-second -> "
        f"{cores * 1000 / trial.cpu_ms_per_video_s:.0f} streams if all {cores} cores were ours",
        flush=True,
    )


def _largest_sustained(
    mode: str, ns: list[int], trial_at: Any, cores: int
) -> tuple[int, list[Trial]]:
    """Try the counts in `ns` in order until one falls behind; when even the first does, halve it until
    one holds. Returns the largest count sustained and the trials run."""
    best, trials = 0, []
    for n in ns:
        t = time.monotonic()
        trial = trial_at(n, mode)
        trials.append(trial)
        _describe(mode, n, trial, cores, time.monotonic() - t)
        if not all(r.ok for r in trial.streams):
            break
        best = n
    n = ns[0] // 2
    while best == 0 and n >= 1:
        t = time.monotonic()
        trial = trial_at(n, mode)
        trials.append(trial)
        _describe(mode, n, trial, cores, time.monotonic() - t)
        best = n if all(r.ok for r in trial.streams) else 0
        n //= 2
    return best, trials


def part_capacity(
    path: Path,
    full_ns: list[int],
    key_ns: list[int],
    procs: int,
    detector_spec: str | None,
    warmup_s: float,
    trial_s: float,
    decode: dict[str, float],
    det_ms: float,
) -> None:
    """For each decode mode: the most streams the reader + detector alone sustain (the raw limit),
    then the most the whole camera worker sustains, both over the same RTSP server in this run."""
    from tests.support.rtsp import RtspServer

    cores = os.cpu_count() or 1
    server = RtspServer(None, "--file", str(path)).start()
    url = server.url("/cam")
    footage = os.environ.get("INGEST_BENCH_FOOTAGE", "moving")
    print(
        f"\n== camera capacity ({footage} footage): 1080p25 H.264, keyframe every 1 s, RTSP from a GStreamer "
        f"server on this machine, 1 analysed fps, {procs} worker process(es), {cores} cores, trial {trial_s:.0f} s =="
    )

    def trial_at(n: int, mode: str) -> Trial:
        return run_trial(url, server.process.pid, n, mode, procs, detector_spec, warmup_s, trial_s)

    try:
        for mode, ns in (("full", full_ns), ("keyframe", key_ns)):
            if not ns:
                continue
            raw_best, raw_trials = _largest_sustained(f"{mode}:raw", ns, trial_at, cores)
            best, trials = _largest_sustained(mode, ns, trial_at, cores)
            capped = " (a lower bound: the largest N tried was sustained)"
            file_limit = cores * 1000 / (decode[f"{mode}+reader"] + det_ms)
            print(
                f"  {mode:8s} sustained: pipeline {best}{capped if best == max(ns) else ''}, "
                f"raw (reader{' + detector' if det_ms else ''}, no pipeline) {raw_best}"
                f"{capped if raw_best == max(ns) else ''} -> ratio {best / max(raw_best, 1):.2f}"
            )
            print(
                f"  {mode:8s} for reference, from file decode + detector alone (no RTSP, no server): "
                f"{file_limit:.1f} streams -> ratio {best / file_limit:.2f}"
            )
            raw_ms = statistics.median(t.cpu_ms_per_video_s for t in raw_trials)
            per = statistics.median(t.cpu_ms_per_video_s for t in trials)
            print(
                f"  {mode:8s} CPU per video-second (median of trials): pipeline {per:.0f} ms vs raw "
                f"{raw_ms:.0f} ms -> pipeline throughput {raw_ms / per:.2f} of raw",
                flush=True,
            )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["decode", "capacity", "all"], default="all")
    parser.add_argument("--seconds", type=int, default=24, help="length of the generated 1080p25 clip")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", default="2,4,6,8", help="stream counts to try in full-decode mode ('' skips it)")
    parser.add_argument("--keyframe", default="8,16,24,32,40", help="stream counts to try in keyframe mode")
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--warmup-s", type=float, default=4.0)
    parser.add_argument("--trial-s", type=float, default=12.0)
    parser.add_argument(
        "--with-detector", metavar="PATH", help="an .onnx model, or module:factory with detect()"
    )
    parser.add_argument(
        "--ring-jpeg",
        type=int,
        default=90,
        help="ring buffer JPEG quality; 0 keeps raw frames (no encode cost)",
    )
    parser.add_argument(
        "--keyframe-packets", choices=["on", "off"], default="on",
        help="keyframe mode: the ring keeps each keyframe's packets (on) or a JPEG it encodes (off)",
    )
    parser.add_argument(
        "--footage", choices=["moving", "curb"], default="moving",
        help="moving: always-moving generated clip; curb: still stretch, then the demo parking scene (see above)",
    )
    args = parser.parse_args()
    os.environ["INGEST_BENCH_RING_JPEG"] = str(args.ring_jpeg)  # read by the spawned worker processes
    os.environ["INGEST_BENCH_FOOTAGE"] = args.footage
    os.environ["INGEST_BENCH_KEYFRAME_PACKETS"] = "1" if args.keyframe_packets == "on" else "0"
    if args.warmup_s + args.trial_s > args.seconds - 2:
        parser.error(
            "--seconds must exceed warmup + trial by 2 s (the server plays the clip once per client)"
        )

    path = curb_clip(args.seconds) if args.footage == "curb" else bench_clip(args.seconds)
    detector = load_detector(args.with_detector)
    det_ms = detector_ms(detector, 5)
    if detector is not None:
        print(f"detector {args.with_detector}: {det_ms:.1f} ms CPU per frame (median of 5)")
    decode = (
        part_decode(path, args.repeats) if args.part in ("decode", "all") or args.part == "capacity" else {}
    )
    if args.part in ("capacity", "all"):
        part_capacity(
            path,
            [int(x) for x in args.full.split(",") if x],
            [int(x) for x in args.keyframe.split(",") if x],
            args.procs,
            args.with_detector,
            args.warmup_s,
            args.trial_s,
            decode,
            det_ms,
        )


if __name__ == "__main__":
    main()
