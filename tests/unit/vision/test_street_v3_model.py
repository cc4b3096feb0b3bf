"""street-v3 is street-v2 with `vending_stall` appended: the nine old classes' outputs do not move."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.letterbox import model_input
from vision.detectors.onnx_backend import OnnxDetector
from vision.synth.street.dataset import TEST_SEED0
from vision.synth.street.vending_dataset import STREET_V3_NAMES, render_vending_sample

MODELS = Path(__file__).resolve().parents[3] / "vision" / "models"
OLD_ROWS = 4 + 9  # the (1, 4 + nc, anchors) output: four box rows, then one row per class
# The FP32 graphs are the same but for the width of the last classification convolutions, whose
# old rows hold the same weights: ONNX Runtime computes each output channel alone, so the old rows
# come out equal up to float summation order.
ONNX_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return render_vending_sample(TEST_SEED0 + 901)[0]


def _run(path: Path, image: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: model_input(image, None, 640)[0]})[0]


def test_street_v3_onnx_old_class_outputs_equal_street_v2(image: np.ndarray) -> None:
    v2 = _run(MODELS / "street-v2" / "street-v2.onnx", image)
    v3 = _run(MODELS / "street-v3" / "street-v3.onnx", image)
    assert v2.shape[1] == OLD_ROWS and v3.shape[1] == OLD_ROWS + 1 and v2.shape[2] == v3.shape[2]
    assert float(np.abs(v2 - v3[:, :OLD_ROWS]).max()) <= ONNX_TOLERANCE


def test_street_v3_weights_keep_every_street_v2_weight_beside_the_new_branches() -> None:
    from ultralytics import YOLO

    from vision.head_transfer import SplitClassBranch

    v2: Any = YOLO(str(MODELS / "street-v2" / "street-v2.pt")).model
    v3: Any = YOLO(str(MODELS / "street-v3" / "street-v3.pt")).model
    assert tuple(v3.names.values()) == STREET_V3_NAMES
    assert all(isinstance(branch, SplitClassBranch) for branch in v3.model[-1].cv3)
    mine = v3.state_dict()
    old = {k.replace(".old.", "."): v for k, v in mine.items() if ".new." not in k}
    assert old.keys() == v2.state_dict().keys()
    for name, value in v2.state_dict().items():  # weights and BatchNorm statistics
        assert bool((value == old[name]).all()), name
    # the new branches learned: not copies of the old ones. Only strides 8 and 16: at stride 32 the
    # shipped training run left the branch's parameters at their start (see the model card's Limits)
    for i, branch in enumerate(v3.model[-1].cv3[:2]):
        start = v2.model[-1].cv3[i][0].conv.weight
        assert not bool((branch.new[0].conv.weight == start).all()), f"scale {i}: the new branch did not train"


def test_street_v3_int8_loads_in_the_product_backend_with_the_new_label(image: np.ndarray) -> None:
    config = OnnxDetectorConfig(type="onnx", weights=MODELS / "street-v3" / "street-v3-int8.onnx", image_size=640)
    detector = OnnxDetector(config)
    detections = detector.detect(image)
    assert set(detections.labels) <= set(STREET_V3_NAMES)
