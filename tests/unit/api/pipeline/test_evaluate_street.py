"""`enforce eval` at an analysis rate other than the camera's own, and per-scenario counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.pipeline.evaluate_street import EvaluationReport, ScenarioError, at_analysis_fps, load_scenario
from vision.evaluation.matching import PredictedEvent
from vision.synth.street import scenarios as sc


@pytest.fixture
def swap(tmp_path: Path) -> Path:
    """The look-alike swap scenario's ground truth beside a (never played) video file."""
    truth = tmp_path / "parking_lookalike_swap.json"
    scenario = sc.build("parking_lookalike_swap")
    truth.write_text(json.dumps(scenario.ground_truth("parking_lookalike_swap.mp4"), ensure_ascii=False))
    (tmp_path / "parking_lookalike_swap.mp4").write_bytes(b"")
    return truth


@pytest.mark.parametrize("fps", [1.0, 4.0, 0.5])
def test_at_analysis_fps_changes_only_the_rate(swap: Path, fps: float) -> None:
    scenario = load_scenario(swap)
    faster = at_analysis_fps(scenario, fps)
    assert scenario.camera.analysis_fps == 2.0  # the original is left alone
    assert faster.camera.analysis_fps == fps
    assert faster.camera.model_dump(exclude={"analysis_fps"}) == scenario.camera.model_dump(exclude={"analysis_fps"})
    assert (faster.name, faster.path, faster.truths) == (scenario.name, scenario.path, scenario.truths)


@pytest.mark.parametrize("fps", [0.0, -1.0, 31.0])
def test_at_analysis_fps_refuses_a_rate_the_camera_cannot_take(swap: Path, fps: float) -> None:
    with pytest.raises(ScenarioError, match=rf"parking_lookalike_swap.json: analysis fps {fps:g} is not accepted"):
        at_analysis_fps(load_scenario(swap), fps)


def test_report_counts_each_scenario(swap: Path) -> None:
    (truth,) = load_scenario(swap).truths
    late = PredictedEvent("illegal_parking", truth.zone, truth.start_s, truth.confirm_after_s + 1, truth.plate)
    early = PredictedEvent("illegal_parking", truth.zone, 12.0, 32.0, None)  # the look-alike before it
    report = EvaluationReport(analysis_fps=4.0)
    report.add([truth], [early, late], "parking_lookalike_swap")
    report.add([], [early], "parking_dense_traffic")
    assert [c.summary() for c in report.per_scenario] == [
        {
            "scenario": "parking_lookalike_swap",
            "truths": 1,
            "predictions": 2,
            "matched": 1,
            "false_alarms": 1,
            "missed": 0,
        },
        {
            "scenario": "parking_dense_traffic",
            "truths": 0,
            "predictions": 1,
            "matched": 0,
            "false_alarms": 1,
            "missed": 0,
        },
    ]
    summary = report.summary()
    assert summary["per_type"]["illegal_parking"]["false_positives"] == 2  # type: ignore[index]
    assert "per_scenario" not in summary and "analysis_fps" not in summary  # the default output is unchanged
