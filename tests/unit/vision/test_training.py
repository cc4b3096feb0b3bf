from __future__ import annotations

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
