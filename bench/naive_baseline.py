"""The product's camera worker against the naive Ultralytics loop, CPU ms per second of video.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/naive_baseline.py [--cameras demo-parking ...] [--repeats 3]

For each demo camera of configs/cameras.yaml (parking, worksite, barbecue), measured in the same run,
each in its own child process (process CPU time, user + system, all threads, from after the models
are loaded to the end of the clip):
  naive    `YOLO(<detector>.pt).track(source, stream=True, vid_stride=ceil(source fps / analysed fps))`, the
           float .pt beside the camera's ONNX weights; it finds no violation (no zones, no rules)
  product  a real `CameraWorker` with the camera's config (detector, zones, plate engine) writing real
           signed evidence records (rows in memory), until the clip ends and every record is written
The violations the product found are printed beside the scenario's truth (demo/<name>.json).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import resource
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = Path("configs/cameras.yaml")
DEMO_CAMERAS = ("demo-parking", "demo-worksite", "demo-barbecue")


@dataclass(frozen=True)
class RunResult:
    cpu_s: float
    wall_s: float
    frames: int
    violations: tuple[str, ...]
    plate_reads: int | None = None


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def naive_weights(onnx_weights: Path) -> Path:
    """street-v2/street-v2-int8.onnx -> street-v2/street-v2.pt (the float model it was exported from)."""
    return onnx_weights.parent / f"{onnx_weights.parent.name}.pt"


def run_naive(config_path: str, camera_id: str) -> RunResult:
    from ultralytics import YOLO

    from ingest.config import load_config
    from ingest.readers.pyav_reader import file_path

    config = load_config(config_path)
    camera = next(c for c in config.cameras if c.id == camera_id)
    source = str(file_path(camera.source))
    fps = _source_fps(source)
    stride = max(1, math.ceil(fps / camera.analysis_fps - 1e-6))  # never more frames than the product
    model = YOLO(str(naive_weights(config.detectors[camera.detectors[0]].weights)))
    started, wall = cpu_seconds(), time.perf_counter()
    frames = sum(1 for _ in model.track(source, stream=True, vid_stride=stride, verbose=False))
    return RunResult(cpu_seconds() - started, time.perf_counter() - wall, frames, ())


def run_product(config_path: str, camera_id: str) -> RunResult:
    from api.pipeline.street import StreetWiring
    from evidence.keys import Signer
    from evidence.sink import MemoryRecordSink
    from evidence.writer import EvidenceWriter
    from ingest.config import load_config
    from ingest.readers import open_reader
    from ingest.worker import CameraWorker

    config = load_config(config_path)
    camera = next(c for c in config.cameras if c.id == camera_id)
    wiring = StreetWiring(config, Path(config_path))
    analyzer = wiring.analyzer_for(camera)
    with tempfile.TemporaryDirectory() as tmp:
        rows = MemoryRecordSink()
        writer = EvidenceWriter(Path(tmp) / "store", Signer.load_or_create(Path(tmp) / "key"), rows)
        writer.open()
        sink = wiring.sink(writer)
        worker = CameraWorker(camera, open_reader, analyzer, sink)
        started, wall = cpu_seconds(), time.perf_counter()
        state = worker.run(threading.Event())
        sink.close()  # the writer thread finishes its records inside the measured time
        cpu, wall = cpu_seconds() - started, time.perf_counter() - wall
        if state != "finished":
            raise RuntimeError(f"{camera_id}: worker ended {state}: {worker.health().last_error}")
        found = tuple(
            sorted(
                f"{m.violation_type} {m.object.plate_text or '-'} @{_offset(m.confirmed_at, camera)}"
                for m in (r.manifest for r in rows.records.values() if r.kind == "primary")
            )
        )
        reads = analyzer.plates.reads if analyzer.plates is not None else None
        return RunResult(cpu, wall, worker.health().frames_analysed or 0, found, reads)


def _offset(at: object, camera: object) -> str:
    start = camera.start_time  # type: ignore[attr-defined]
    return f"{(at - start).total_seconds():.1f}s"  # type: ignore[operator]


def _source_fps(path: str) -> float:
    import av

    with av.open(path) as container:
        rate = container.streams.video[0].average_rate
        if rate is None:
            raise ValueError(f"{path}: no frame rate in the container")
        return float(rate)


def _video_seconds(path: str) -> float:
    import av

    with av.open(path) as container:
        video = container.streams.video[0]
        if video.duration is not None and video.time_base is not None:
            return float(video.duration * video.time_base)
        if container.duration is None:
            raise ValueError(f"{path}: no duration in the container")
        return container.duration / 1e6


def median_run(results: list[RunResult]) -> RunResult:
    """The run with the median CPU time (the lower middle one of an even count)."""
    return sorted(results, key=lambda r: r.cpu_s)[(len(results) - 1) // 2]


def in_child(fn: object, *args: str) -> RunResult:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)  # type: ignore[arg-type]


def truth_of(camera_source: str) -> list[str]:
    from ingest.readers.pyav_reader import file_path

    scenario = file_path(camera_source).with_suffix(".json")
    if not scenario.is_file():
        return []
    data = json.loads(scenario.read_text(encoding="utf-8"))
    return [f"{v['type']} {v.get('plate') or '-'} {v['start_s']:g}-{v['end_s']:g}s" for v in data["violations"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--cameras", nargs="+", default=list(DEMO_CAMERAS))
    parser.add_argument("--parts", nargs="+", choices=("naive", "product"), default=["naive", "product"])
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each part, in turn; the table gives each part's median CPU"
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")

    from ingest.config import load_config
    from ingest.readers.pyav_reader import file_path

    config = load_config(args.config)
    cameras = {c.id: c for c in config.cameras}
    rows = []
    for camera_id in args.cameras:
        camera = cameras[camera_id]
        seconds = _video_seconds(str(file_path(camera.source)))
        runs: dict[str, list[RunResult]] = {part: [] for part in args.parts}
        for _ in range(args.repeats):  # in turn, so a change in the machine's load touches every part alike
            for part in args.parts:
                result = in_child(globals()[f"run_{part}"], str(args.config), camera_id)
                runs[part].append(result)
                print(
                    f"{camera_id:14s} {part:8s} {result.cpu_s * 1000 / seconds:8.1f} CPU ms/video-s  "
                    f"({result.cpu_s:.1f} CPU s, {result.wall_s:.1f} s wall, {result.frames} frames, "
                    f"{seconds:.0f} s video)",
                    flush=True,
                )
                if part == "product":
                    print(f"{'':14s} found:  {list(result.violations)}  ({result.plate_reads} plate reads)")
                    print(f"{'':14s} truth:  {truth_of(camera.source)}")
        rows.append((camera_id, seconds, {part: median_run(results) for part, results in runs.items()}))
    print()
    print("| camera | naive CPU ms/video-s | product CPU ms/video-s | product / naive | product violations |")
    print("|---|---|---|---|---|")
    for camera_id, seconds, results in rows:
        naive, product = results.get("naive"), results.get("product")
        n = f"{naive.cpu_s * 1000 / seconds:.0f}" if naive else "-"
        p = f"{product.cpu_s * 1000 / seconds:.0f}" if product else "-"
        ratio = f"{product.cpu_s / naive.cpu_s:.2f}" if naive and product else "-"
        found = len(product.violations) if product else "-"
        print(f"| {camera_id} | {n} | {p} | {ratio} | {found} |")


if __name__ == "__main__":
    main()
