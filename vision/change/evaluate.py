"""Score the change pipeline's findings against the generator's ground truth (held-out synthetic
before/after flights); api/pipeline/evaluate_drone.py reads the footage and runs the pipeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from vision.change.config import DroneCameraConfig
from vision.change.frames import TelemetryRecord
from vision.change.pipeline import ChangeReport, Finding
from vision.change.selection import pose_of
from vision.geometry.camera import apply_h, ground_to_image
from vision.geometry.geo import LocalFrame, distance_m

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
    truth: list[dict],
    records: Sequence[TelemetryRecord],
    width: int,
    height: int,
    camera: DroneCameraConfig,
    origin: LocalFrame,
) -> list[dict]:
    """The true structures whose centre appears in at least one frame of the flight (by its telemetry):
    a structure the drone never photographed cannot be found, so it is not scored."""
    intr = camera.intrinsics(width, height)
    homographies = [ground_to_image(intr, pose_of(r, origin)) for r in records]
    out = []
    for s in truth:
        e, n = origin.to_en(s["lat"], s["lon"])
        for h in homographies:
            x, y = apply_h(h, [(e, n)])[0]
            if 0 <= x < width and 0 <= y < height:
                out.append(s)
                break
    return out


def score_pair(seed: int, report: ChangeReport, scored: list[dict], seconds: float) -> PairResult:
    """One pair's figures: `scored` are the true structures the new flight photographed."""
    tp, area, pos = match_findings(report.findings, scored)
    return PairResult(seed, len(scored), len(report.findings), tp, area, pos, len(report.unregistered), seconds)


def summarise(results: list[PairResult], seconds: float) -> DroneEval:
    """Pooled precision and recall, median area and position errors over the pairs."""
    truth = sum(r.truth for r in results)
    found = sum(r.found for r in results)
    tp = sum(r.true_positive for r in results)
    area = [e for r in results for e in r.area_errors]
    pos = [e for r in results for e in r.position_errors]
    return DroneEval(
        pairs=len(results),
        precision=tp / found if found else 1.0,
        recall=tp / truth if truth else 1.0,
        median_area_error=float(np.median(area)) if area else float("nan"),
        median_position_error_m=float(np.median(pos)) if pos else float("nan"),
        truth=truth,
        found=found,
        true_positive=tp,
        seconds=seconds,
        per_pair=results,
    )
