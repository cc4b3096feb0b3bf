"""`enforce eval --drone`: the change pipeline on held-out synthetic before/after flights.

The footage goes through the product's readers (SRT + video, frame selection) and the configured
drone detector and settings (the `drone:` section); findings are scored against the generator's truth.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ingest.drone.flights import load_video_flight
from ingest.drone.srt import parse_srt
from vision.change.config import DroneConfig, aerial_detector_config
from vision.change.detector import roof_detector
from vision.change.evaluate import DroneEval, PairResult, photographed, score_pair, summarise
from vision.change.pipeline import ChangeDetector
from vision.detectors.config import DetectorConfig
from vision.geometry.geo import LocalFrame
from vision.synth.aerial.pairs import EVAL_SEEDS, PairOptions, make_pair


def evaluate_pair(folder: Path, change: ChangeDetector, drone: DroneConfig, seed: int) -> PairResult:
    """One generated pair (`before`/`after` .mp4 + .SRT, truth.json) through the pipeline, scored."""
    truth = json.loads((folder / "truth.json").read_text())
    t0 = time.perf_counter()
    origin = LocalFrame(*truth["origin"])
    before = load_video_flight(f"{seed}-before", folder / "before.mp4", folder / "before.SRT", drone, origin)
    after = load_video_flight(f"{seed}-after", folder / "after.mp4", folder / "after.SRT", drone, origin)
    report = change.compare(before, after, origin)
    frame = after.frames[0].frame
    records = parse_srt(folder / "after.SRT")
    scored = photographed(truth["new_structures"], records, frame.width, frame.height, drone.camera, origin)
    return score_pair(seed, report, scored, time.perf_counter() - t0)


def evaluate(
    work_dir: Path,
    pairs: int = 12,
    first_seed: int = EVAL_SEEDS,
    options: PairOptions | None = None,
    *,
    drone: DroneConfig | None = None,
    detector: DetectorConfig | None = None,
) -> DroneEval:
    """Generate (or reuse) `pairs` held-out pairs under work_dir and score the pipeline on them, with
    `drone` settings and `detector` (defaults: today's `drone:` defaults and the shipped aerial model)."""
    drone = drone or DroneConfig()
    change = ChangeDetector(roof_detector(detector or aerial_detector_config()), drone)
    results = []
    t0 = time.perf_counter()
    for k in range(pairs):
        seed = first_seed + k
        folder = work_dir / f"pair-{seed}"
        if not (folder / "truth.json").is_file():
            make_pair(seed, folder, options)
        results.append(evaluate_pair(folder, change, drone, seed))
    return summarise(results, time.perf_counter() - t0)
