"""Bring-your-own-model on real weights: the kit's COCO YOLOv8n INT8 OpenVINO export loads through the
detector config as an `openvino` IR (folder or .xml) and as an `ultralytics` export folder, and the
two backends find the same boxes on real COCO128 photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.detections import unmatched
from vision.detectors import build_detector
from vision.detectors.config import OpenVinoDetectorConfig, UltralyticsDetectorConfig

COCO_STREET = {"car": "vehicle", "bus": "vehicle", "truck": "truck", "person": "person"}
PHOTOS = ("000000000257.jpg", "000000000149.jpg", "000000000071.jpg", "000000000036.jpg")  # people, cars


def _folder(kit: Path) -> Path:
    return kit / "weights" / "coco_detectors" / "yolov8n_int8_openvino_model"


def _photo(kit: Path, name: str) -> np.ndarray:
    image = cv2.imread(str(kit / "datasets" / "coco128" / "images" / "train2017" / name))
    assert image is not None, name
    return image


def test_openvino_and_ultralytics_backends_agree_on_real_photos(kit: Path) -> None:
    """Ultralytics runs an export folder on OpenVINO with the device's default precision: with the
    same (`precision: auto`), any difference is our letterbox, decode or NMS."""
    common = {"weights": _folder(kit), "class_map": COCO_STREET, "confidence": 0.1}
    vino = build_detector(OpenVinoDetectorConfig(type="openvino", precision="auto", **common))
    ultra = build_detector(UltralyticsDetectorConfig(type="ultralytics", device="cpu", **common))
    assert (vino.detector_type, ultra.detector_type) == ("openvino", "ultralytics")
    assert vino.weights_sha256 == ultra.weights_sha256  # the same folder, hashed the same way
    assert vino.labels == ultra.labels == ("person", "truck", "vehicle")
    total = 0
    for name in PHOTOS:
        image = _photo(kit, name)
        a, b = vino.detect(image), ultra.detect(image)
        assert unmatched(a, b) == [], name
        assert unmatched(b, a) == [], name
        total += len(a)
    assert total >= 10  # real detections, so the agreement means something


def test_the_ir_file_and_its_folder_give_the_same_detections(kit: Path) -> None:
    folder = build_detector(OpenVinoDetectorConfig(type="openvino", weights=_folder(kit), class_map=COCO_STREET))
    xml = build_detector(
        OpenVinoDetectorConfig(
            type="openvino", weights=_folder(kit) / "yolov8n.xml", class_map=COCO_STREET, threads=1
        )
    )
    image = _photo(kit, PHOTOS[0])
    a, b = folder.detect(image), xml.detect(image)
    assert len(a) >= 3
    assert unmatched(a, b) == [] and unmatched(b, a) == []


@pytest.mark.parametrize("ir", ["yolov8n_int8_openvino_model", "yolo11n_int8_openvino_model"])
def test_kit_irs_find_the_people_and_cars(kit: Path, ir: str) -> None:
    detector = build_detector(
        OpenVinoDetectorConfig(type="openvino", weights=kit / "weights" / "coco_detectors" / ir, class_map=COCO_STREET)
    )
    people = detector.detect(_photo(kit, PHOTOS[0]))  # COCO128 000000000257: a crowd
    cars = detector.detect(_photo(kit, PHOTOS[2]))  # 000000000071: cars on a road
    assert people.labels.count("person") >= 3
    assert "vehicle" in cars.labels
