from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from vision.training import TrainRequest, train


def test_a_prepare_hook_needs_the_model_object_kept(tmp_path: Path) -> None:
    """Without keep_architecture Ultralytics rebuilds the model, so a hook on the base would do nothing."""
    data = tmp_path / "data.yaml"
    data.write_text("path: .\ntrain: images\nval: images\nnames: {0: a}\n")
    request = TrainRequest(data=data, out=tmp_path, base="yolov8n.yaml", prepare=lambda model: None)
    with pytest.raises(ValueError, match="prepare needs keep_architecture=True"):
        train(request)


def test_results_csv_is_read_without_polars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where polars is missing (the lent GPU machine), the trainer's results.csv is read with `csv`,
    column names stripped and numbers as numbers, as Ultralytics' own reader gives them."""
    from ultralytics.engine.trainer import BaseTrainer

    from vision.training import read_results_without_polars

    monkeypatch.setattr(BaseTrainer, "read_results_csv", BaseTrainer.read_results_csv)  # restored after
    monkeypatch.setitem(sys.modules, "polars", None)  # `import polars` raises ImportError
    read_results_without_polars()
    csv_file = tmp_path / "results.csv"
    csv_file.write_text("epoch,  metrics/mAP50(B),note\n1,0.25,warm\n2,0.5,\n")
    holder = types.SimpleNamespace(csv=csv_file)
    assert BaseTrainer.read_results_csv(holder) == {  # type: ignore[arg-type]
        "epoch": [1.0, 2.0],
        "metrics/mAP50(B)": [0.25, 0.5],
        "note": ["warm", ""],
    }
    assert BaseTrainer.read_results_csv(types.SimpleNamespace(csv=tmp_path / "absent.csv")) == {}  # type: ignore[arg-type]
