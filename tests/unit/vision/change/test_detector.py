"""The aerial detector is an ordinary detector backend (vision/detectors) configured like a street one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.change.compare import box_iou
from vision.change.config import AERIAL_V2, aerial_detector_config
from vision.change.detector import roof_detector
from vision.detectors.base import DetectorError
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.onnx_backend import OnnxDetector
from vision.synth.aerial.dataset import render_seed

TEST_SEEDS = range(2_000_000, 2_000_010)  # held out from training (aerial-v2 MODEL_CARD.md)


def test_shipped_aerial_detector_runs_on_the_shared_onnx_backend() -> None:
    detector = roof_detector(aerial_detector_config())
    assert isinstance(detector, OnnxDetector)
    assert (detector.model_name, detector.detector_type, detector.labels) == ("aerial-v2", "onnx", ("roof_structure",))
    assert detector.config.confidence == 0.5


def test_a_detector_without_roof_structure_is_refused_naming_the_class_map() -> None:
    config = OnnxDetectorConfig(type="onnx", weights=AERIAL_V2)  # no class map: the model's own name 'item'
    with pytest.raises(DetectorError, match=r"outputs no 'roof_structure' boxes; its labels are \['item'\].*class_map"):
        roof_detector(config)


def test_shipped_aerial_detector_finds_a_held_out_structure(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    seed = next(s for s in TEST_SEEDS if render_seed(s, tmp_path, views=1) > 0)
    image = np.asarray(cv2.imread(str(tmp_path / "images" / f"s{seed:07d}_v0.jpg")), np.uint8)
    height, width = image.shape[:2]
    rows = np.loadtxt(tmp_path / "labels" / f"s{seed:07d}_v0.txt", ndmin=2)[:, 1:]
    truth = np.stack(
        [
            (rows[:, 0] - rows[:, 2] / 2) * width,
            (rows[:, 1] - rows[:, 3] / 2) * height,
            (rows[:, 0] + rows[:, 2] / 2) * width,
            (rows[:, 1] + rows[:, 3] / 2) * height,
        ],
        axis=1,
    )
    found = roof_detector(aerial_detector_config()).detect(image)
    assert set(found.labels) == {"roof_structure"}
    assert box_iou(found.boxes, truth).max() >= 0.5
