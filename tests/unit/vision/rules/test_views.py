"""What of a vehicle shows when others stand in front of or behind it (`vision.rules.views`)."""

from __future__ import annotations

import numpy as np
import pytest

from domain.types import Detections
from vision.rules.views import WHOLE, WHOLE_VIEW, VehicleView, part_in, same_view, view_of


def boxes(*rows: tuple[float, float, float, float]) -> Detections:
    return Detections(
        np.array(rows, np.float32).reshape(-1, 4),
        np.full(len(rows), 0.9, np.float32),
        ("vehicle",) * len(rows),
        np.arange(len(rows), dtype=np.int64),
    )


NEAR = (300.0, 480.0, 600.0, 690.0)  # nearest the camera: its bottom edge is lowest
BEHIND = (240.0, 420.0, 470.0, 580.0)  # parked nose to tail behind it, its lower part behind NEAR


def test_a_vehicle_alone_shows_whole() -> None:
    scene = boxes(NEAR)
    assert view_of(scene.boxes[0], scene, skip=0) == WHOLE_VIEW


def test_a_car_behind_another_shows_above_it_and_its_cut_edges_are_not_trusted() -> None:
    scene = boxes(NEAR, BEHIND)
    view = view_of(scene.boxes[1], scene, skip=1)
    assert view is not None and not view.whole
    # the strip above NEAR's top (y 420-480) is the largest rectangle of it clear of NEAR: 60 of 160 px
    assert view.part == pytest.approx((0.0, 0.0, 1.0, 0.375))
    np.testing.assert_allclose(part_in(scene.boxes[1], view.part), [240, 420, 470, 480])
    # NEAR reaches its right and bottom edges (the box may be cut there); its left and top are in view
    assert view.free == (True, True, False, False)
    # NEAR, in front, is covered by BEHIND's box on 17,000 of its 63,000 px (0.27): more than a quarter,
    # so it counts as cut there too (which box is in front is not told by boxes that far into each other)
    front = view_of(scene.boxes[0], scene, skip=0)
    assert front is not None and not front.whole
    assert front.part == pytest.approx((0.0, 100 / 210, 1.0, 1.0))  # below BEHIND's bottom edge (580)


def test_too_little_showing_is_no_clear_view() -> None:
    mostly_hidden = (320.0, 440.0, 560.0, 660.0)  # 40 px above NEAR's top of its 220
    scene = boxes(NEAR, mostly_hidden)
    assert view_of(scene.boxes[1], scene, skip=1) is None


def test_two_boxes_on_one_vehicle_leave_neither_clear() -> None:
    """Much overlap: one vehicle boxed twice (a car and a truck), or two side by side."""
    scene = boxes(NEAR, (310.0, 470.0, 610.0, 688.0))
    assert view_of(scene.boxes[0], scene, skip=0) is None
    assert view_of(scene.boxes[1], scene, skip=1) is None


def test_a_van_in_front_of_a_cars_left_edge_hides_only_that_edge() -> None:
    """The detector boxed the part of a car it still sees, cut where a van in front begins."""
    car, van = (350.0, 450.0, 440.0, 600.0), (150.0, 440.0, 360.0, 620.0)
    scene = boxes(car, van)
    view = view_of(scene.boxes[0], scene, skip=0)
    assert view is not None
    assert view.free == (False, True, True, True)
    assert view.part[0] == pytest.approx(10 / 90) and view.part[1:] == pytest.approx((0.0, 1.0, 1.0))


def test_views_are_compared_only_for_the_same_part() -> None:
    top = VehicleView((0.0, 0.0, 1.0, 0.4), (True, True, False, False))
    assert same_view(top, VehicleView((0.0, 0.0, 1.0, 0.38), (True, True, True, False)))
    assert not same_view(top, WHOLE_VIEW)
    assert not same_view(top, VehicleView((0.0, 0.5, 1.0, 1.0)))
    assert same_view(WHOLE_VIEW, VehicleView(WHOLE))
