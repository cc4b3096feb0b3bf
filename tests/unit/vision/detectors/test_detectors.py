from __future__ import annotations

import hashlib

import numpy as np
import pytest

from domain.types import Detections
from tests.support.detections import unmatched
from tests.support.yolo_test_model import COCO_STREET_MAP, IMAGE_SIZE, BuiltModel, scene
from vision.detectors import Detector, DetectorError, build_detector
from vision.detectors.config import OnnxDetectorConfig, UltralyticsDetectorConfig

SCENES = (11, 12, 13)


def _pair(model: BuiltModel, class_map: dict[str, str] | None = None) -> tuple[Detector, Detector]:
    common = {"image_size": IMAGE_SIZE, "class_map": class_map or {}}
    ultra = build_detector(
        UltralyticsDetectorConfig(type="ultralytics", weights=model.pt, device="cpu", **common)
    )
    onnx = build_detector(OnnxDetectorConfig(type="onnx", weights=model.onnx, **common))
    return ultra, onnx


def test_both_backends_give_the_same_detections(coco_test_model: BuiltModel) -> None:
    ultra, onnx = _pair(coco_test_model)
    total = 0
    for seed in SCENES:
        image = scene(seed)
        a, b = ultra.detect(image), onnx.detect(image)
        assert unmatched(a, b) == [] and unmatched(b, a) == [], f"scene {seed}"
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


def _scores(found: Detections, label: str) -> list[float]:
    return sorted(float(s) for s, name in zip(found.scores, found.labels, strict=True) if name == label)


def test_label_confidence_sets_a_minimum_score_per_label(coco_test_model: BuiltModel) -> None:
    """Both backends: one label kept down to a lower score than the rest, another held to a higher one."""
    common = {"image_size": IMAGE_SIZE, "class_map": COCO_STREET_MAP, "confidence": 0.25}
    per_label = {"truck": 0.05, "person": 0.6}
    plain = _pair(coco_test_model, COCO_STREET_MAP)
    tuned = (
        build_detector(
            UltralyticsDetectorConfig(
                type="ultralytics", weights=coco_test_model.pt, device="cpu", label_confidence=per_label, **common
            )
        ),
        build_detector(
            OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, label_confidence=per_label, **common)
        ),
    )
    low_trucks = 0
    for before, after in zip(plain, tuned, strict=True):
        for seed in SCENES:
            image = scene(seed)
            a, b = before.detect(image), after.detect(image)
            assert all(score >= 0.6 for score in _scores(b, "person"))
            assert set(_scores(b, "person")) <= set(_scores(a, "person"))
            assert min(_scores(b, "truck"), default=1.0) >= 0.05
            assert _scores(b, "vehicle") == pytest.approx(_scores(a, "vehicle"), abs=1e-4)  # keeps `confidence`
            low_trucks += sum(score < 0.25 for score in _scores(b, "truck"))
    assert low_trucks > 0  # the lower truck minimum really let more through


@pytest.mark.parametrize(
    ("label_confidence", "message"),
    [({"lorry": 0.1}, "unknown pipeline labels ['lorry']"), ({"mud": 1.5}, "label_confidence for ['mud']")],
)
def test_bad_label_confidence_is_named(coco_test_model: BuiltModel, label_confidence, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, label_confidence=label_confidence)


def test_ultralytics_type_runs_an_onnx_export(coco_test_model: BuiltModel) -> None:
    """Bring your own model: the `ultralytics` type takes an exported .onnx as well as a .pt. On a square
    image both backends feed the model the same input, so they find the same boxes."""
    common = {"image_size": IMAGE_SIZE, "class_map": COCO_STREET_MAP}
    ultra = build_detector(
        UltralyticsDetectorConfig(type="ultralytics", weights=coco_test_model.onnx, device="cpu", **common)
    )
    onnx = build_detector(OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, **common))
    assert ultra.weights_sha256 == onnx.weights_sha256
    total = 0
    for seed in SCENES:
        image = scene(seed, width=IMAGE_SIZE, height=IMAGE_SIZE)
        a, b = ultra.detect(image), onnx.detect(image)
        assert unmatched(a, b) == [] and unmatched(b, a) == [], f"scene {seed}"
        total += len(a)
    assert total >= 3
