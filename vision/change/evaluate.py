"""Score the change pipeline on held-out synthetic before/after flights (ground truth from the generator)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest.config.drone import DroneConfig
from vision.change.detector import AerialDetector
from vision.change.flights import load_video_flight
from vision.change.pipeline import ChangeDetector, Finding
from vision.geometry.geo import LocalFrame, distance_m
from vision.synth.aerial.pairs import EVAL_SEEDS, PairOptions, make_pair

MATCH_RADIUS_M = 4.0


@dataclass
class PairResult:
    seed: int
    truth: int
    found: int
    true_positive: int
    area_errors: list[float] = field(default_factory=list)  # relative
    position_errors: list[float] = field(default_factory=list)  # metres
    unregistered_frames: int = 0
    seconds: float = 0.0


@dataclass
class DroneEval:
    pairs: int
    precision: float
    recall: float
    median_area_error: float
    median_position_error_m: float
    truth: int
    found: int
    true_positive: int
    seconds: float
    per_pair: list[PairResult]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def match_findings(findings: list[Finding], truth: list[dict]) -> tuple[int, list[float], list[float]]:
    """Greedy nearest matching within MATCH_RADIUS_M; returns (tp, area errors, position errors)."""
    pairs = sorted(
        (distance_m(t["lat"], t["lon"], f.lat, f.lon), ti, fi)
        for ti, t in enumerate(truth)
        for fi, f in enumerate(findings)
    )
    used_t: set[int] = set()
    used_f: set[int] = set()
    area, pos = [], []
    for d, ti, fi in pairs:
        if d > MATCH_RADIUS_M or ti in used_t or fi in used_f:
            continue
        used_t.add(ti)
        used_f.add(fi)
        pos.append(d)
        area.append(abs(findings[fi].area_m2 - truth[ti]["area_m2"]) / truth[ti]["area_m2"])
    return len(used_t), area, pos


def photographed(
    truth: list[dict], srt: Path, width: int, height: int, config: DroneConfig, origin: LocalFrame
) -> list[dict]:
    """The true structures whose centre appears in at least one frame of the flight (by its telemetry):
    a structure the drone never photographed cannot be found, so it is not scored."""
    from ingest.drone.selection import pose_of
    from ingest.drone.srt import parse_srt
    from vision.geometry.camera import apply_h, ground_to_image

    intr = config.camera.intrinsics(width, height)
    homographies = [ground_to_image(intr, pose_of(r, origin)) for r in parse_srt(srt)]
    out = []
    for s in truth:
        e, n = origin.to_en(s["lat"], s["lon"])
        for h in homographies:
            x, y = apply_h(h, [(e, n)])[0]
            if 0 <= x < width and 0 <= y < height:
                out.append(s)
                break
    return out


def evaluate_pair(folder: Path, detector: ChangeDetector, config: DroneConfig, seed: int) -> PairResult:
    truth = json.loads((folder / "truth.json").read_text())
    t0 = time.perf_counter()
    origin = LocalFrame(*truth["origin"])
    before = load_video_flight(f"{seed}-before", folder / "before.mp4", folder / "before.SRT", config, origin)
    after = load_video_flight(f"{seed}-after", folder / "after.mp4", folder / "after.SRT", config, origin)
    report = detector.compare(before, after, origin)
    frame = after.frames[0].frame
    scored = photographed(
        truth["new_structures"], folder / "after.SRT", frame.width, frame.height, config, origin
    )
    tp, area, pos = match_findings(report.findings, scored)
    return PairResult(
        seed,
        len(scored),
        len(report.findings),
        tp,
        area,
        pos,
        len(report.unregistered),
        time.perf_counter() - t0,
    )


def evaluate(
    work_dir: Path,
    pairs: int = 12,
    first_seed: int = EVAL_SEEDS,
    options: PairOptions | None = None,
    weights: Path | None = None,
) -> DroneEval:
    """Generate (or reuse) `pairs` held-out pairs under work_dir and score the pipeline on them."""
    config = DroneConfig()
    det = (
        AerialDetector(weights, confidence=config.detector_confidence)
        if weights
        else AerialDetector(confidence=config.detector_confidence)
    )
    detector = ChangeDetector(det, config)
    results = []
    t0 = time.perf_counter()
    for k in range(pairs):
        seed = first_seed + k
        folder = work_dir / f"pair-{seed}"
        if not (folder / "truth.json").is_file():
            make_pair(seed, folder, options)
        results.append(evaluate_pair(folder, detector, config, seed))
    truth = sum(r.truth for r in results)
    found = sum(r.found for r in results)
    tp = sum(r.true_positive for r in results)
    area = [e for r in results for e in r.area_errors]
    pos = [e for r in results for e in r.position_errors]
    return DroneEval(
        pairs=pairs,
        precision=tp / found if found else 1.0,
        recall=tp / truth if truth else 1.0,
        median_area_error=float(np.median(area)) if area else float("nan"),
        median_position_error_m=float(np.median(pos)) if pos else float("nan"),
        truth=truth,
        found=found,
        true_positive=tp,
        seconds=time.perf_counter() - t0,
        per_pair=results,
    )
