"""The zones' detection window: its geometry, the input size it asks for, and that the shipped
detector finds on it what it finds on the whole frame for the objects standing in the zone."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from domain.types import Detections
from ingest.config import load_config
from vision.detection_window import DetectionWindow, detection_window
from vision.detectors import build_detector
from vision.detectors.base import SizedDetector
from vision.evaluation.ap import box_iou

REPO = Path(__file__).resolve().parents[4]
CURB = [(0.529, 1.0), (0.846, 1.0), (0.563, 0.481), (0.403, 0.488)]  # demo-parking's zone
FULL = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


def test_the_window_grows_the_zones_above_and_at_the_sides_more_than_below() -> None:
    window = detection_window([CURB], 1920, 1080, 640, margin=0.08)
    assert window is not None
    grow = 0.08 * 1920  # 153.6 px
    assert window.left == int(np.floor(0.403 * 1920 - grow))
    assert window.right == int(np.ceil(0.846 * 1920 + grow))
    assert window.top == int(np.floor(0.481 * 1080 - grow))
    assert window.bottom == 1080  # clipped to the picture
    low = detection_window([[(0.4, 0.2), (0.6, 0.2), (0.6, 0.5), (0.4, 0.5)]], 1920, 1080, 640, margin=0.08)
    assert low is not None and low.bottom == int(np.ceil(0.5 * 1080 + grow / 4))


def test_at_zoom_one_objects_keep_the_whole_frames_scale() -> None:
    window = detection_window([CURB], 1920, 1080, 640)
    assert window is not None
    width = window.right - window.left
    # the frame at 640 is scaled by 1/3; the window's long side at that scale, up to a multiple of 32
    assert window.image_size == int(np.ceil(width / 3 / 32) * 32)
    assert window.image_size < 640


def test_zoom_magnifies_a_small_far_zone_up_to_the_cameras_pixels_and_the_input_size() -> None:
    far = [(0.02, 0.31), (0.145, 0.31), (0.145, 0.46), (0.02, 0.46)]
    at_1 = detection_window([far], 1280, 720, 640, zoom=1.0)
    at_2 = detection_window([far], 1280, 720, 640, zoom=2.0)
    at_4 = detection_window([far], 1280, 720, 640, zoom=4.0)
    assert at_1 is not None and at_2 is not None and at_4 is not None
    assert (at_1.left, at_1.top, at_1.right, at_1.bottom) == (at_2.left, at_2.top, at_2.right, at_2.bottom)
    long_side = max(at_1.right - at_1.left, at_1.bottom - at_1.top)
    assert at_2.image_size == int(np.ceil(long_side / 32) * 32)  # 2 x 0.5: the camera's own pixels
    assert at_4.image_size == at_2.image_size  # never past the camera's pixels
    big = detection_window([[(0.1, 0.2), (0.6, 0.2), (0.6, 0.7), (0.1, 0.7)]], 1920, 1080, 640, zoom=4.0)
    assert big is not None and big.image_size == 640  # nor past the detector's input size


def test_no_window_without_zones_or_over_most_of_the_picture() -> None:
    assert detection_window([], 1920, 1080, 640) is None
    assert detection_window([FULL], 1920, 1080, 640) is None
    assert detection_window([[(0.05, 0.05), (0.95, 0.05), (0.95, 0.95), (0.05, 0.95)]], 1920, 1080, 640) is None


def test_a_zoom_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="zoom must be >= 1"):
        detection_window([CURB], 1920, 1080, 640, zoom=0.5)


def test_the_crop_is_a_view_and_boxes_come_back_in_frame_pixels() -> None:
    window = DetectionWindow(left=100, top=50, right=300, bottom=250, image_size=128)
    image = np.zeros((400, 600, 3), np.uint8)
    crop = window.crop(image)
    assert crop.shape == (200, 200, 3) and np.shares_memory(crop, image)
    found = Detections(np.array([[10, 20, 30, 40]], np.float32), np.array([0.9], np.float32), ("car",))
    assert window.to_frame(found).boxes.tolist() == [[110, 70, 130, 90]]
    assert len(window.to_frame(Detections.empty())) == 0


@pytest.fixture(scope="module")
def street_v2() -> SizedDetector:
    detector = build_detector(load_config(REPO / "configs" / "cameras.yaml").detectors["street-v2"])
    assert isinstance(detector, SizedDetector) and detector.image_size == 640
    return detector


def _in_zone(detections: Detections, zone: list[tuple[float, float]], width: int, height: int) -> Detections:
    polygon = (np.asarray(zone, np.float32) * [width, height]).astype(np.float32)
    keep = [
        i
        for i, box in enumerate(detections.boxes)
        if detections.labels[i] == "vehicle"
        and cv2.pointPolygonTest(polygon, (float(box[0] + box[2]) / 2, float(box[3])), False) >= 0
    ]
    return Detections(detections.boxes[keep], detections.scores[keep], tuple(detections.labels[i] for i in keep))


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_the_window_finds_the_vehicles_standing_in_the_zone_that_the_whole_frame_finds(
    street_v2: SizedDetector, arterial_frames: list[np.ndarray], zoom: float
) -> None:
    """A zone over the near lanes: the window (its input 416 px at zoom 1 instead of the frame's 640)
    finds nearly every vehicle the whole frame finds standing in it, with the same box."""
    lanes = [(0.12, 0.55), (0.55, 0.55), (0.60, 0.99), (0.05, 0.99)]
    height, width = arterial_frames[0].shape[:2]
    window = detection_window([lanes], width, height, street_v2.image_size, zoom=zoom)
    assert window is not None
    assert (window.image_size < 640) == (zoom == 1)  # zoom 2: the camera's own pixels, 640 at most
    whole_count = part_count = matched = 0
    for frame in arterial_frames:
        whole = _in_zone(street_v2.detect(frame), lanes, width, height)
        found = street_v2.detect_at_size(window.crop(frame), window.image_size)
        part = _in_zone(window.to_frame(found), lanes, width, height)
        whole_count, part_count = whole_count + len(whole), part_count + len(part)
        if len(whole) and len(part):
            matched += int((box_iou(whole.boxes, part.boxes).max(axis=1) >= 0.5).sum())
    assert whole_count >= 30  # real vehicles were compared
    assert matched >= 0.9 * whole_count, (matched, whole_count)
    assert abs(part_count - whole_count) <= 0.1 * whole_count, (part_count, whole_count)
