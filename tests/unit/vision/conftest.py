from __future__ import annotations

import pytest

from tests.support.yolo_test_model import BuiltModel, build_test_model


@pytest.fixture(scope="session")
def coco_test_model(tmp_path_factory: pytest.TempPathFactory) -> BuiltModel:
    """A YOLOv8n with COCO names, built from yaml (no download), saved as .pt and exported to ONNX."""
    return build_test_model(tmp_path_factory.mktemp("coco-test-model"))
