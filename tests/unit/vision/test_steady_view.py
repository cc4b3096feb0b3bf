"""The camera's offset against its reference view: measured on sway and drift, never on traffic."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from domain.types import Detections
from tests.support.sway import SIZE, moved, street
from vision.steady_view import SteadyView, shifted


def test_a_slow_drift_is_followed_to_within_two_pixels() -> None:
    scene, view = street(), SteadyView()
    assert view.offset(scene) == (0.0, 0.0)
    for step in range(1, 9):  # 4 px right and 5 px down per look: 32 and 40 px in all
        dx, dy = view.offset(moved(scene, 4 * step, 5 * step))
        assert view.measured
        assert abs(dx - 4 * step) <= 2 and abs(dy - 5 * step) <= 2


def test_a_jump_is_believed_only_when_the_next_picture_measures_it_again() -> None:
    scene, view = street(), SteadyView()
    view.offset(scene)
    jumped = moved(scene, 30, -15)  # 2.3% and 2.1% of the picture
    assert view.offset(jumped) == (0.0, 0.0) and not view.measured  # one measurement: could be anything
    dx, dy = view.offset(jumped)
    assert view.measured and abs(dx - 30) <= 2 and abs(dy + 15) <= 2


def test_a_large_jump_is_believed_only_from_feature_matching() -> None:
    """Phase correlation can lock onto a repeating pattern one period off, on picture after picture: a
    sudden move of more than 3% waits for the view check's measurement (`correct`)."""
    scene, view = street(), SteadyView()
    view.offset(scene)
    jumped = moved(scene, 60, -30)  # 4.7% and 4.2%
    for _ in range(3):
        assert view.offset(jumped) == (0.0, 0.0) and not view.measured
    view.correct((58.0, -31.0))  # what the view check measured
    assert view.held == pytest.approx((58.0, -31.0), abs=0.01)
    dx, dy = view.offset(jumped)
    assert view.measured and abs(dx - 60) <= 2 and abs(dy + 30) <= 2


def test_another_view_is_not_followed() -> None:
    view = SteadyView()
    view.offset(street(0))
    for seed in (1, 2, 3):
        assert view.offset(street(seed)) == (0.0, 0.0)
        assert not view.measured


def test_a_shift_beyond_a_drift_is_refused() -> None:
    scene, view = street(), SteadyView(max_shift=0.05)
    view.offset(scene)
    for _ in range(3):
        assert view.offset(moved(scene, 0, 100)) == (0.0, 0.0)  # 100 px of 720: 14%
    assert not view.measured


def test_a_large_vehicle_crawling_through_the_view_does_not_pass_for_the_camera_moving() -> None:
    """A textured bus covering most of a plain telephoto view creeps 4 px per look. Measured on the
    whole picture, the offset follows the bus (and the bus would look parked); with the detector's box
    left out, it stays at zero."""
    rng = np.random.default_rng(5)
    backdrop = np.full((*SIZE, 3), 120, np.uint8)
    backdrop += rng.integers(0, 6, backdrop.shape, dtype=np.uint8)  # an almost plain road
    bus = street(7)[100:620, 100:1100]

    def picture(x: int) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float32]]:
        image = backdrop.copy()
        image[100:620, 100 + x : 1100 + x] = bus
        return image, np.array([[100 + x, 100, 1100 + x, 620]], np.float32)

    whole, masked = SteadyView(), SteadyView()
    for step in range(6):
        image, box = picture(4 * step)
        followed, kept = whole.offset(image), masked.offset(image, box)
    assert followed[0] >= 12  # the bus, taken for the camera
    assert abs(kept[0]) <= 1 and abs(kept[1]) <= 1


@pytest.mark.parametrize("offset", [(12.5, -7.0), (0.0, 0.0)])
def test_shifted_detections_move_every_box_and_keep_the_rest(offset: tuple[float, float]) -> None:
    detections = Detections(
        np.array([[10, 20, 30, 40], [100, 100, 150, 180]], np.float32),
        np.array([0.9, 0.5], np.float32),
        ("vehicle", "person"),
        np.array([3, -1], np.int64),
    )
    moved_ = shifted(detections, offset)
    assert np.allclose(moved_.boxes, detections.boxes + np.array([*offset, *offset], np.float32))
    assert moved_.labels == detections.labels and list(moved_.track_ids) == [3, -1]
    assert np.array_equal(moved_.scores, detections.scores)
