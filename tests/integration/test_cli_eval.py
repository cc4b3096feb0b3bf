"""`enforce eval --analysis-fps`: parsed as a repeatable number, a bad rate refused before any footage plays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer.main

from api.cli import app
from vision.synth.street import scenarios as sc

REPO = Path(__file__).resolve().parents[2]


def eval_params(*args: str) -> dict[str, object]:
    command = typer.main.get_command(app)
    sub = command.commands["eval"]  # type: ignore[attr-defined]
    return dict(sub.make_context("eval", list(args)).params)


def test_analysis_fps_is_repeatable_and_optional() -> None:
    params = eval_params("--analysis-fps", "1", "--analysis-fps", "2", "--analysis-fps", "4")
    assert params["analysis_fps"] == [1.0, 2.0, 4.0]
    assert not eval_params()["analysis_fps"]  # not given: each camera's own rate, as before


def test_bad_analysis_fps_is_refused_naming_the_rate(tmp_path: Path) -> None:
    truth = sc.build("parking_occluded").ground_truth("parking_occluded.mp4")
    (tmp_path / "parking_occluded.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "parking_occluded.mp4").write_bytes(b"not played")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "eval",
            "--scenarios",
            str(tmp_path),
            "--analysis-fps",
            "2",
            "--analysis-fps",
            "45",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "YOLO_OFFLINE": "1"},
        timeout=300,
    )
    assert result.returncode == 2
    assert "parking_occluded.json: analysis fps 45 is not accepted" in result.stderr
    assert result.stdout == ""  # nothing was scored, not even the valid 2 fps
