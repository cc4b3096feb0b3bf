"""street-v4 keeps the COCO detector whole: on real COCO128 photos its vehicle, truck and person boxes
are the dequantised COCO model's own (over its road-user classes, `two_head.COCO_KEPT`), and its INT8
copy finds what the kit's INT8 teacher (all 80 classes) finds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from vision.detectors import build_detector
from vision.detectors.config import OnnxDetectorConfig, OpenVinoDetectorConfig
from vision.detectors.cpu_features import cpu_has_vnni

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "vision" / "models" / "street-v4"
IR = Path("weights/coco_detectors/yolov8n_int8_openvino_model")
COCO_STREET = {"car": "vehicle", "bus": "vehicle", "truck": "truck", "person": "person"}
STREET = ("vehicle", "truck", "person")


def _photos(kit: Path, count: int) -> list[np.ndarray]:
    paths = sorted((kit / "datasets" / "coco128" / "images" / "train2017").glob("*.jpg"))[:count]
    images = [cv2.imread(str(p)) for p in paths]
    assert all(image is not None for image in images)
    return images  # type: ignore[return-value]


def _street_only(detections: object) -> list[tuple[str, tuple[float, ...], float]]:
    rows = zip(detections.labels, detections.boxes, detections.scores, strict=True)  # type: ignore[attr-defined]
    return sorted((label, tuple(float(v) for v in box), float(score)) for label, box, score in rows if label in STREET)


@pytest.mark.slow
def test_street_labels_are_the_dequantised_coco_models_own(kit: Path, tmp_path: Path) -> None:
    from vision.dequantize import dequantize_to_ultralytics
    from vision.two_head import COCO_KEPT, export_stacked_onnx, keep_classes

    coco = dequantize_to_ultralytics(kit / IR / "yolov8n.xml").float().eval()
    alone = copy.deepcopy(coco)
    alone.names = keep_classes(alone.model[-1], coco.names, COCO_KEPT)
    alone.model[-1].export = alone.model[-1].dynamic = True
    source = export_stacked_onnx(alone, tmp_path / "coco.onnx")
    theirs = build_detector(OnnxDetectorConfig(type="onnx", weights=source, class_map=COCO_STREET, threads=1))
    ours = build_detector(OnnxDetectorConfig(type="onnx", weights=SHIPPED / "street-v4.onnx", threads=1))
    compared = 0
    for image in _photos(kit, 40):
        a, b = _street_only(ours.detect(image)), _street_only(theirs.detect(image))
        assert [r[0] for r in a] == [r[0] for r in b]
        for (_, box_a, score_a), (_, box_b, score_b) in zip(a, b, strict=True):
            assert np.abs(np.subtract(box_a, box_b)).max() < 1.0 and abs(score_a - score_b) < 2e-3
        compared += len(a)
    assert compared >= 30, f"too few street boxes to compare: {compared}"


@pytest.mark.slow
def test_int8_copy_finds_what_the_int8_teacher_finds(kit: Path) -> None:
    teacher = build_detector(OpenVinoDetectorConfig(type="openvino", weights=kit / IR, class_map=COCO_STREET))
    ours = build_detector(OnnxDetectorConfig(type="onnx", weights=SHIPPED / "street-v4-int8.onnx", threads=1))
    missed = total = 0
    for image in _photos(kit, 64):
        wanted, got = teacher.detect(image), ours.detect(image)
        for label, box, score in zip(wanted.labels, wanted.boxes, wanted.scores, strict=True):
            if label not in STREET or score < 0.4:
                continue
            total += 1
            same = [b for lb, b in zip(got.labels, got.boxes, strict=True) if lb == label]
            missed += not any(_iou(box, b) >= 0.5 for b in same)
    assert total >= 40, f"too few confident teacher boxes: {total}"
    assert missed / total <= 0.1, f"street-v4-int8 missed {missed} of the teacher's {total} confident boxes"


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return float(w * h / union) if union > 0 else 0.0


def _without_twin(a: Any, b: Any, images: list[np.ndarray], min_iou: float) -> tuple[int, int]:
    """(confident boxes of detector `a`, how many of them `b` has no same-label box for at `min_iou`)."""
    compared = missed = 0
    for image in images:
        found_a, found_b = a.detect(image), b.detect(image)
        for label, box, score in zip(found_a.labels, found_a.boxes, found_a.scores, strict=True):
            if score < 0.4:
                continue
            compared += 1
            same = [bb for lb, bb in zip(found_b.labels, found_b.boxes, strict=True) if lb == label]
            missed += not any(_iou(box, bb) >= min_iou for bb in same)
    return compared, missed


def test_openvino_folder_and_int8_onnx_find_the_same_objects(kit: Path) -> None:
    """The shipped OpenVINO IR folder is the INT8 ONNX file converted: both runtimes, same boxes."""
    onnx_int8 = build_detector(OnnxDetectorConfig(type="onnx", weights=SHIPPED / "street-v4-int8.onnx", threads=1))
    folder = SHIPPED / "street-v4-int8_openvino_model"
    ir = build_detector(OpenVinoDetectorConfig(type="openvino", weights=folder, threads=1))
    assert set(ir.labels) == set(onnx_int8.labels) >= {"vehicle", "person", "smoke", "grill", "mud"}
    compared, missed = _without_twin(onnx_int8, ir, _photos(kit, 32), 0.9)
    assert compared >= 15, f"too few confident boxes to compare: {compared}"
    assert missed <= compared // 20, f"{missed} of {compared} ONNX Runtime boxes have no OpenVINO twin"


@pytest.mark.slow
@pytest.mark.skipif(not cpu_has_vnni(), reason="full 8-bit weights are meant for (and only right on) VNNI CPUs")
def test_vnni_copy_finds_what_the_float_model_finds(kit: Path) -> None:
    """The 8-bit copy that `weights_vnni` picks on VNNI CPUs finds the FP32 model's confident boxes."""
    fp32 = build_detector(OnnxDetectorConfig(type="onnx", weights=SHIPPED / "street-v4.onnx", threads=1))
    folder = SHIPPED / "street-v4-int8-vnni_openvino_model"
    vnni = build_detector(OpenVinoDetectorConfig(type="openvino", weights=folder, threads=1))
    assert vnni.labels == fp32.labels
    compared, missed = _without_twin(fp32, vnni, _photos(kit, 32), 0.7)
    assert compared >= 15, f"too few confident boxes to compare: {compared}"
    assert missed <= compared // 10, f"{missed} of {compared} FP32 boxes have no twin in the VNNI copy"


def test_shipped_street_runs_the_copy_the_cpu_calls_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """configs/cameras.yaml's `street`: the 8-bit copy on VNNI CPUs, the 7-bit one elsewhere."""
    from ingest.config import load_config
    from vision.detectors.cpu_features import OVERRIDE_ENV

    config = load_config(REPO / "configs" / "cameras.yaml").detectors["street"]
    built = {}
    for flag in ("1", "0"):
        monkeypatch.setenv(OVERRIDE_ENV, flag)
        built[flag] = build_detector(config).model_name
    assert built == {"1": "street-v4-int8-vnni_openvino_model", "0": "street-v4-int8_openvino_model"}
