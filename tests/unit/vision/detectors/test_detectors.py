from __future__ import annotations

import hashlib

import numpy as np
import pytest

from tests.support.yolo_test_model import COCO_STREET_MAP, IMAGE_SIZE, BuiltModel, scene
from vision.detectors import Detector, DetectorError, build_detector
from vision.detectors.config import OnnxDetectorConfig, UltralyticsDetectorConfig
from vision.types import Detections

SCENES = (11, 12, 13)


def _pair(model: BuiltModel, class_map: dict[str, str] | None = None) -> tuple[Detector, Detector]:
    common = {"image_size": IMAGE_SIZE, "class_map": class_map or {}}
    ultra = build_detector(
        UltralyticsDetectorConfig(type="ultralytics", weights=model.pt, device="cpu", **common)
    )
    onnx = build_detector(OnnxDetectorConfig(type="onnx", weights=model.onnx, **common))
    return ultra, onnx


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else float(np.allclose(a, b, atol=0.5))


def _unmatched(a: Detections, b: Detections, min_iou: float = 0.98, score_tol: float = 0.01) -> list[str]:
    """Detections of `a` with no same-label box in `b` within tolerance."""
    free = set(range(len(b)))
    missing = []
    for i in np.argsort(-a.scores):
        match = next(
            (
                j
                for j in sorted(free)
                if b.labels[j] == a.labels[i]
                and abs(float(b.scores[j] - a.scores[i])) <= score_tol
                and _iou(a.boxes[i], b.boxes[j]) >= min_iou
            ),
            None,
        )
        if match is None:
            missing.append(f"{a.labels[i]} {a.scores[i]:.3f} {a.boxes[i].round(1).tolist()}")
        else:
            free.discard(match)
    return missing


def test_both_backends_give_the_same_detections(coco_test_model: BuiltModel) -> None:
    ultra, onnx = _pair(coco_test_model)
    total = 0
    for seed in SCENES:
        image = scene(seed)
        a, b = ultra.detect(image), onnx.detect(image)
        assert _unmatched(a, b) == [] and _unmatched(b, a) == [], f"scene {seed}"
        assert len(a) == len(b)
        total += len(a)
    assert total >= 10  # the model really outputs boxes, so the comparison means something


def test_coco_model_works_through_a_class_map(coco_test_model: BuiltModel) -> None:
    raw_ultra, _ = _pair(coco_test_model)
    for detector in _pair(coco_test_model, COCO_STREET_MAP):
        assert detector.labels == ("person", "truck", "vehicle")
        seen: set[str] = set()
        for seed in SCENES:
            image = scene(seed)
            raw = raw_ultra.detect(image)
            mapped = detector.detect(image)
            expected = sorted(COCO_STREET_MAP[name] for name in raw.labels if name in COCO_STREET_MAP)
            assert sorted(mapped.labels) == expected
            seen |= set(raw.labels)
        assert "dog" in seen  # an unmapped class was there and got dropped


def test_detector_identity(coco_test_model: BuiltModel) -> None:
    ultra, onnx = _pair(coco_test_model)
    assert (ultra.detector_type, onnx.detector_type) == ("ultralytics", "onnx")
    assert ultra.model_name == onnx.model_name == "coco-test"
    assert onnx.weights_sha256 == hashlib.sha256(coco_test_model.onnx.read_bytes()).hexdigest()
    assert ultra.weights_sha256 == hashlib.sha256(coco_test_model.pt.read_bytes()).hexdigest()
    assert isinstance(onnx, Detector) and isinstance(ultra, Detector)


def test_empty_image_region_gives_valid_empty_detections(coco_test_model: BuiltModel) -> None:
    _, onnx = _pair(coco_test_model, {"dog": "vehicle"})
    result = onnx.detect(np.zeros((50, 80, 3), np.uint8))
    assert result.boxes.shape[1] == 4 and len(result.scores) == len(result)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda m, tmp: OnnxDetectorConfig(type="onnx", weights=tmp / "nope.onnx"), "not found"),
        (
            lambda m, tmp: OnnxDetectorConfig(type="onnx", weights=m.onnx, class_map={"lorry": "truck"}),
            "does not have: ['lorry']",
        ),
        (
            lambda m, tmp: UltralyticsDetectorConfig(type="ultralytics", weights=tmp / "x.pt", device="cpu"),
            "not found",
        ),
        (lambda m, tmp: OnnxDetectorConfig(type="onnx", weights=m.pt), "cannot load ONNX model"),
    ],
)
def test_bad_detector_config_is_named(coco_test_model: BuiltModel, tmp_path, make, message: str) -> None:  # noqa: ANN001
    with pytest.raises(DetectorError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_detector(make(coco_test_model, tmp_path))
