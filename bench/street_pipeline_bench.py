"""Per-frame cost split of the street pipeline on scenario footage (median ms per analysed frame).

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/street_pipeline_bench.py demo/parking.json [--decode keyframe]

Stages: decode (reader, incl. sampling to analysis fps), motion gate, detect, track, rules, plates,
and evidence (one signed bundle per violation, timed separately since it runs once per episode).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.pipeline.context import ModelIdentity, camera_context
from api.pipeline.evaluate_street import load_scenario
from evidence.keys import Signer
from evidence.sink import MemoryRecordSink
from evidence.writer import EvidenceWriter
from ingest.config import load_config
from ingest.motion import MotionGate
from ingest.readers import open_reader
from vision.analyzer import StreetAnalyzer
from vision.detectors.factory import build_detector
from vision.plates.reader import PlateReader

TIMES: dict[str, list[float]] = defaultdict(list)


def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[stage].append((time.perf_counter() - start) * 1000)

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", type=Path, help="<name>.json beside <name>.mp4")
    parser.add_argument("--config", type=Path, default=Path("configs/cameras.yaml"))
    parser.add_argument("--detector", default="street")
    parser.add_argument("--decode", choices=("full", "keyframe"), default=None)
    parser.add_argument(
        "--plate-engine", choices=("config", "lprnet", "rapidocr"), default="config",
        help="plate reader; 'config': the camera's engine in --config (the demo cameras keep rapidocr)",
    )
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    camera = scenario.camera if args.decode is None else scenario.camera.model_copy(update={"decode": args.decode})
    detector = build_detector(load_config(args.config).detectors[args.detector])
    plates = load_config(args.config).plates
    engine = plates.engine_for(camera.id) if args.plate_engine == "config" else args.plate_engine
    analyzer = StreetAnalyzer(camera.analysis_setup(), detector, PlateReader(engine, intel_model=plates.intel_model))
    detector.detect = timed("detect", detector.detect)  # type: ignore[method-assign]
    analyzer.tracker.update = timed("track", analyzer.tracker.update)  # type: ignore[method-assign]
    for rule in analyzer.rules:
        rule.update = timed("rules", rule.update)  # type: ignore[method-assign]
    if analyzer.plates is not None:
        analyzer.plates.observe = timed("plates", analyzer.plates.observe)  # type: ignore[method-assign]
    gate = MotionGate()
    reader = open_reader(camera)
    violations = []
    frames = detected = 0
    iterator = iter(reader)
    wall = time.perf_counter()
    while True:
        start = time.perf_counter()
        frame = next(iterator, None)
        if frame is None:
            break
        TIMES["decode"].append((time.perf_counter() - start) * 1000)
        detect = timed("motion", gate.update)(frame)
        detected += int(detect)
        violations += analyzer.process(frame, detect=detect)
        frames += 1
    wall = time.perf_counter() - wall

    with tempfile.TemporaryDirectory() as tmp:
        writer = EvidenceWriter(Path(tmp) / "store", Signer.load_or_create(Path(tmp) / "key"), MemoryRecordSink())
        context = camera_context(camera, ModelIdentity.of(detector), "0" * 64)
        for violation in violations:
            timed("evidence", writer.write)(violation, context)

    print(f"scenario {scenario.name}: {frames} analysed frames ({camera.analysis_fps} fps, decode={camera.decode}), "
          f"detector ran on {detected} ({detected / max(frames, 1):.0%}), {len(violations)} violations, "
          f"{wall:.1f} s wall for {frames / camera.analysis_fps:.0f} s of footage")
    print(f"{'stage':10s} {'calls':>6s} {'median ms':>10s} {'ms per analysed frame':>22s}")
    for stage in ("decode", "motion", "detect", "track", "rules", "plates", "evidence"):
        values = TIMES.get(stage, [])
        if not values:
            print(f"{stage:10s} {0:6d} {'-':>10s} {'-':>22s}")
            continue
        print(f"{stage:10s} {len(values):6d} {statistics.median(values):10.1f} {sum(values) / max(frames, 1):22.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
