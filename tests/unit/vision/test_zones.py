from __future__ import annotations

from datetime import time

import pytest

from vision.geometry.polygon import contains, self_intersection, signed_area
from vision.zones import TimeWindow


def test_square_is_simple_and_contains_centre() -> None:
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert self_intersection(square) is None
    assert abs(signed_area(square)) == pytest.approx(1.0)
    assert contains(square, 0.5, 0.5)
    assert contains(square, 1.0, 0.5)  # boundary counts as inside
    assert not contains(square, 1.01, 0.5)


def test_bow_tie_is_self_intersecting() -> None:
    assert self_intersection([(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]) == (0, 2)


def test_concave_polygon_contains() -> None:
    ell = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.4), (0.4, 0.4), (0.4, 1.0), (0.0, 1.0)]
    assert contains(ell, 0.2, 0.8)
    assert not contains(ell, 0.8, 0.8)


@pytest.mark.parametrize(
    ("window", "at", "inside"),
    [
        ("07:00-19:00", time(7, 0), True),
        ("07:00-19:00", time(18, 59, 59), True),
        ("07:00-19:00", time(19, 0), False),
        ("07:00-19:00", time(6, 59), False),
        ("18:00-02:00", time(23, 30), True),
        ("18:00-02:00", time(1, 59), True),
        ("18:00-02:00", time(2, 0), False),
        ("18:00-02:00", time(12, 0), False),
        ("00:00-24:00", time(12, 0), True),
    ],
)
def test_time_window(window: str, at: time, inside: bool) -> None:
    assert TimeWindow.parse(window).covers(at) is inside
