"""`enforce eval`: run the street pipeline on scenario footage and score it against ground truth.

Each scenario is `<name>.mp4` + `<name>.json` (format `enforce-street-scenario/1`, written by
`enforce synth scenarios`). The footage goes through the same worker as a live camera (reader,
sampling, motion gate, ring buffer, analyzer); violations are collected instead of written.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from domain.types import Violation
from ingest.config import CameraConfig
from ingest.readers import open_reader
from ingest.worker import CameraWorker
from vision.analyzer import StreetAnalyzer
from vision.detectors.base import Detector
from vision.evaluation.matching import MatchResult, PredictedEvent, TruthEvent, match_events
from vision.plates.reader import PlateReader
from vision.violations import registry
from vision.violations.parking import KIND as PARKING

log = logging.getLogger(__name__)
SCENARIO_FORMAT = "enforce-street-scenario/1"


class ScenarioError(ValueError):
    """A scenario file that cannot be evaluated; the message names the file and the problem."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    camera: CameraConfig
    truths: tuple[TruthEvent, ...]


class CollectingSink:
    """Keeps the violations of one scenario (one worker, one thread) instead of writing evidence."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        self.violations.append(violation)


def load_scenario(path: Path) -> Scenario:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read scenario: {exc}") from exc
    if data.get("format") != SCENARIO_FORMAT:
        raise ScenarioError(f"{path}: format is {data.get('format')!r}, expected {SCENARIO_FORMAT!r}")
    camera_data = dict(data["camera"])
    source = str(camera_data["source"])
    if source.startswith("file:") and not source.startswith("file:/"):
        camera_data["source"] = "file:" + str((path.parent / source[len("file:"):]).resolve())
    camera = CameraConfig.model_validate(camera_data)
    if camera.start_time is None:
        raise ScenarioError(f"{path}: camera.start_time is required to place events in time")
    truths = tuple(
        TruthEvent(
            violation_type=v["type"],
            object_id=v["object_id"],
            zone=v.get("zone"),
            start_s=float(v["start_s"]),
            end_s=float(v["end_s"]),
            confirm_after_s=float(v.get("confirm_after_s", v["start_s"])),
            plate=v.get("plate"),
        )
        for v in data.get("violations", [])
    )
    return Scenario(path.stem, path, camera, truths)


def at_analysis_fps(scenario: Scenario, fps: float) -> Scenario:
    """The scenario with its camera analysing `fps` frames per second instead of its own rate."""
    try:
        camera = CameraConfig.model_validate({**scenario.camera.model_dump(), "analysis_fps": fps})
    except ValidationError as exc:
        raise ScenarioError(f"{scenario.path}: analysis fps {fps:g} is not accepted: {exc.errors()[0]['msg']}") from exc
    return replace(scenario, camera=camera)


def find_scenarios(folder: Path) -> list[Scenario]:
    paths = sorted(p for p in folder.glob("*.json") if p.with_suffix(".mp4").exists())
    if not paths:
        raise ScenarioError(f"{folder}: no scenario (<name>.json beside <name>.mp4) found")
    return [load_scenario(p) for p in paths]


def _seconds(at: datetime, start: datetime) -> float:
    return (at - start).total_seconds()


def predicted_events(violations: Sequence[Violation], start: datetime) -> list[PredictedEvent]:
    return [
        PredictedEvent(
            violation_type=v.violation_type,
            zone=v.zone_name,
            first_seen_s=_seconds(v.first_seen_at, start),
            confirmed_s=_seconds(v.confirmed_at, start),
            plate=v.plate.text if v.plate else None,
            plate_confidence=v.plate.confidence if v.plate else None,
        )
        for v in violations
    ]


def play_footage(camera: CameraConfig, detector: Detector, plate_reader: PlateReader | None) -> list[Violation]:
    """Every violation a real camera worker confirms on the camera's file, played to its end."""
    sink = CollectingSink()
    worker = CameraWorker(camera, open_reader, StreetAnalyzer(camera.analysis_setup(), detector, plate_reader), sink)
    state = worker.run(threading.Event())
    if state != "finished":
        raise ScenarioError(f"{camera.source}: footage did not play to the end ({state}: {worker.health().last_error})")
    return sink.violations


def run_scenario(scenario: Scenario, detector: Detector, plate_reader: PlateReader) -> list[PredictedEvent]:
    """Play the scenario footage through a real camera worker until the file ends."""
    violations = play_footage(scenario.camera, detector, plate_reader)
    assert scenario.camera.start_time is not None
    return predicted_events(violations, scenario.camera.start_time)


@dataclass(frozen=True)
class ScenarioCounts:
    """One scenario's events: true violations, reported ones, and how they matched."""

    name: str
    truths: int
    predictions: int
    matched: int

    def summary(self) -> dict[str, object]:
        return {
            "scenario": self.name,
            "truths": self.truths,
            "predictions": self.predictions,
            "matched": self.matched,
            "false_alarms": self.predictions - self.matched,
            "missed": self.truths - self.matched,
        }


@dataclass
class EvaluationReport:
    scenarios: list[str] = field(default_factory=list)
    result: MatchResult = field(default_factory=MatchResult)
    analysis_fps: float | None = None  # None: each scenario camera's own rate
    per_scenario: list[ScenarioCounts] = field(default_factory=list)

    def add(self, truths: Sequence[TruthEvent], predictions: Sequence[PredictedEvent], name: str) -> None:
        single = match_events(truths, predictions)
        self.scenarios.append(name)
        self.per_scenario.append(ScenarioCounts(name, len(truths), len(predictions), len(single.pairs)))
        self.result.pairs.extend(single.pairs)
        self.result.unmatched_truth.extend(single.unmatched_truth)
        self.result.unmatched_predictions.extend(single.unmatched_predictions)

    def summary(self) -> dict[str, object]:
        per_type = {}
        for kind in (k.type for k in registry.camera_kinds()):
            score = self.result.score(kind)
            per_type[kind] = {
                "precision": round(score.precision, 4),
                "recall": round(score.recall, 4),
                "true_positives": score.true_positives,
                "false_positives": score.false_positives,
                "false_negatives": score.false_negatives,
            }
        exact, total = self.result.plate_exact_matches(PARKING.type)  # the plate figure is parking's
        return {
            "scenarios": self.scenarios,
            "per_type": per_type,
            "plate_exact_match": {"exact": exact, "total": total, "rate": round(exact / total, 4) if total else None},
            "missed": [f"{t.violation_type} {t.object_id} ({t.zone})" for t in self.result.unmatched_truth],
            "false_alarms": [
                f"{p.violation_type} in {p.zone} confirmed at {p.confirmed_s:.1f}s plate={p.plate}"
                for p in self.result.unmatched_predictions
            ],
        }


def evaluate(
    scenarios: Sequence[Scenario], detector: Detector, analysis_fps: float | None = None
) -> EvaluationReport:
    """Score every scenario; `analysis_fps` overrides each camera's own analysis rate."""
    report = EvaluationReport(analysis_fps=analysis_fps)
    # the scenarios render plates in a desktop CJK font: RapidOCR reads it, LPRNet (real plates) does not
    plate_reader = PlateReader("rapidocr")
    for scenario in scenarios:
        if analysis_fps is not None:
            scenario = at_analysis_fps(scenario, analysis_fps)
        predictions = run_scenario(scenario, detector, plate_reader)
        log.info("scenario %s: %d truths, %d predictions", scenario.name, len(scenario.truths), len(predictions))
        report.add(scenario.truths, predictions, scenario.name)
    return report
