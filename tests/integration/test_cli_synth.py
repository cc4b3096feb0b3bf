"""`enforce synth` and `enforce train` as an operator runs them: a real process on a tiny count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "YOLO_OFFLINE": "1"},
        timeout=300,
    )


def test_synth_street_dataset_tiny(tmp_path: Path) -> None:
    result = run_cli(
        "synth", "street-dataset", str(tmp_path / "ds"), "--train", "2", "--val", "1", "--test", "1"
    )
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "ds" / "data.yaml").read_text(encoding="utf-8"))
    assert data["names"][3] == "license_plate"
    assert len(list((tmp_path / "ds" / "images" / "train").glob("*.jpg"))) == 2
    assert len(list((tmp_path / "ds" / "labels" / "test").glob("*.txt"))) == 1


def test_synth_rejects_unknown_scenario(tmp_path: Path) -> None:
    result = run_cli("synth", "scenarios", str(tmp_path), "--only", "rooftop")
    assert result.returncode == 2
    assert "unknown scenario(s) rooftop" in result.stderr


def test_train_names_missing_dataset(tmp_path: Path) -> None:
    result = run_cli("train", "--data", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "nope.yaml does not exist" in result.stderr


@pytest.mark.slow
def test_train_with_a_relative_out_folder_writes_best_there(tmp_path: Path) -> None:
    """An operator in their work folder gives `--out run1`: best.pt lands in ./run1, not under Ultralytics'
    own runs/detect/ (where it filed relative projects, and `enforce train` then failed)."""
    made = run_cli("synth", "street-dataset", str(tmp_path / "ds"), "--train", "2", "--val", "1", "--test", "1")
    assert made.returncode == 0, made.stderr
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "train", "--data", "ds/data.yaml", "--out", "run1", "--epochs", "1",
         "--imgsz", "64", "--batch", "2", "--workers", "0"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={**os.environ, "YOLO_OFFLINE": "1", "PYTHONPATH": str(REPO), "YOLO_CONFIG_DIR": str(tmp_path / "ycfg")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "run1" / "best.pt").is_file() and (tmp_path / "run1" / "results.csv").is_file()
    assert not (tmp_path / "runs").exists()


@pytest.mark.slow
def test_synth_scenario_clip_with_truth(tmp_path: Path) -> None:
    result = run_cli("synth", "scenarios", str(tmp_path), "--only", "barbecue_offhours", "--fps", "1")
    assert result.returncode == 0, result.stderr
    truth = json.loads((tmp_path / "barbecue_offhours.json").read_text(encoding="utf-8"))
    with av.open(str(tmp_path / "barbecue_offhours.mp4")) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.codec_context.name, stream.width, stream.height) == (
            "h264",
            truth["width"],
            truth["height"],
        )
    assert frames == truth["frames"] == 30
