"""Detection on the zones' part of the picture (vision/detectors/region.py), with the shipped detector."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from domain.types import Detections
from ingest.config import load_config
from vision.detectors import build_detector
from vision.detectors.region import Region, inside, shift, zone_region
from vision.geometry.polygon import contains
from vision.rules.common import anchor

REPO = Path(__file__).resolve().parents[4]
SHIPPED = load_config(REPO / "configs" / "cameras.yaml")
PARKING_ZONE = next(c for c in SHIPPED.cameras if c.id == "demo-parking").zones[0].polygon


def test_zone_region_is_the_zones_bounding_box_grown_and_kept_inside_the_picture() -> None:
    region = zone_region([[(0.4, 0.5), (0.6, 0.5), (0.6, 0.9)], [(0.5, 0.6), (0.8, 0.7), (0.7, 0.98)]])
    assert region is not None
    assert (region.x1, region.y1, region.x2, region.y2) == pytest.approx((0.25, 0.35, 0.95, 1.0))
    assert region.pixels(1080, 1920) == (480, 378, 1824, 1080)


def test_no_region_without_zones_or_when_it_would_cover_most_of_the_picture() -> None:
    assert zone_region([]) is None
    assert zone_region([[(0.1, 0.1), (0.9, 0.1), (0.9, 0.9)]]) is None  # 1.0 x 0.95 of the picture
    whole = zone_region([[(0.1, 0.1), (0.9, 0.1), (0.9, 0.9)]], max_share=1.0)
    assert whole is not None
    assert (whole.x1, whole.y1, whole.x2, whole.y2) == pytest.approx((0.0, 0.0, 1.0, 0.95))


def test_a_region_outside_the_picture_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="detection region"):
        Region(0.5, 0.2, 0.4, 0.9)


def test_shift_moves_boxes_into_the_whole_image() -> None:
    found = Detections(np.array([[1, 2, 3, 4]], np.float32), np.array([0.5], np.float32), ("vehicle",))
    moved = shift(found, 100, 10)
    assert moved.boxes.tolist() == [[101, 12, 103, 14]] and moved.labels == ("vehicle",)


def _demo_frames(seconds: tuple[float, ...]) -> list[np.ndarray]:
    frames = []
    with av.open(str(REPO / "demo" / "parking.mp4")) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and any(abs(frame.time - s) < 0.05 for s in seconds):
                frames.append(frame.to_ndarray(format="bgr24"))
    assert len(frames) == len(seconds)
    return frames


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return float(inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter))


def test_the_region_finds_the_vehicles_in_the_zone_that_the_whole_picture_finds() -> None:
    """demo/parking.mp4 with the shipped street detector: every vehicle standing in the no-parking zone
    on the whole picture is found in the region too, in the same place (whole-image pixels)."""
    detector = build_detector(SHIPPED.detectors["street-v2"])  # rendered demo footage
    region = zone_region([PARKING_ZONE])
    assert region is not None and region.share < 0.55
    compared = 0
    for image in _demo_frames((3.0, 12.0, 20.0, 30.0, 40.0)):
        h, w = image.shape[:2]
        whole = detector.detect(image)
        part = detector.detect_region(image, region.pixels(h, w))  # type: ignore[attr-defined]
        for box, label in zip(whole.boxes, whole.labels, strict=True):
            x, y = anchor(box)
            if label not in ("vehicle", "truck") or not contains(PARKING_ZONE, x / w, y / h):
                continue
            compared += 1
            best = max((_iou(box, other) for other, l2 in zip(part.boxes, part.labels, strict=True) if l2 == label),
                       default=0.0)
            assert best >= 0.85, (label, box, part)
        assert np.all(part.boxes[:, 0] >= region.x1 * w - 1) and np.all(part.boxes[:, 3] <= h)
    assert compared >= 4  # car A parked, car B stopped, cars passing through


def test_boxes_cut_by_the_crop_are_dropped_but_not_those_at_the_pictures_own_edge() -> None:
    found = Detections(
        np.array([[0, 50, 40, 90], [100, 50, 140, 90], [160, 10, 200, 100]], np.float32),
        np.array([0.9, 0.9, 0.9], np.float32),
        ("vehicle", "vehicle", "person"),
    )
    # the crop's left side is cut inside the picture, its right and bottom sides are the picture's edges
    kept = inside(found, 200, 100, (True, False, False, False))
    assert kept.labels == ("vehicle", "person") and kept.boxes[:, 0].tolist() == [100, 160]
    assert inside(found, 200, 100, (False, False, True, True)).labels == ("vehicle", "vehicle")  # right, bottom cut
