from __future__ import annotations

from datetime import datetime, timedelta

import cv2
import numpy as np

from tests.support.sway import SIZE, moved, street
from vision.view_check import ViewCheck, ViewState

START = datetime(2026, 5, 1, 9, 0)


def look(check: ViewCheck, image: np.ndarray, second: float, objects: np.ndarray | None = None) -> ViewState:
    return check.check(image, objects, START + timedelta(seconds=second))


def test_a_camera_swaying_and_drifting_keeps_its_view() -> None:
    check, scene = ViewCheck(), street(0)
    states = [look(check, moved(scene, 2.0 * k, -1.0 * k), 2.0 * k) for k in range(40)]  # 78 px right, 39 up
    assert set(states) == {ViewState.SAME}
    assert check.inliers is not None and check.inliers >= check.same_inliers


def test_a_camera_turned_to_another_street_loses_its_view_until_it_turns_back() -> None:
    check, home, elsewhere = ViewCheck(), street(0), street(1)
    assert [look(check, home, s) for s in (0, 2, 4)] == [ViewState.SAME] * 3
    assert look(check, elsewhere, 6) is ViewState.SAME  # one look may be a passing lorry filling the view
    assert look(check, elsewhere, 8) is ViewState.OTHER
    assert look(check, elsewhere, 30) is ViewState.OTHER  # however long it stays there
    assert look(check, moved(home, 5, 3), 32) is ViewState.SAME  # back at its preset


def test_a_view_lost_only_where_it_was_ever_found() -> None:
    """A view whose pictures never match each other (a telephoto view filled with moving traffic, glare
    on wet asphalt) says nothing when the next one does not match either."""
    check = ViewCheck()
    assert {look(check, street(seed), 2.0 * seed) for seed in range(10)} == {ViewState.SAME}


def test_a_featureless_picture_tells_nothing() -> None:
    check, home = ViewCheck(), street(0)
    flat = np.full((*SIZE, 3), 90, np.uint8)
    assert [look(check, home, s) for s in (0, 2, 4)] == [ViewState.SAME] * 3
    assert {look(check, flat, s) for s in range(6, 40, 2)} == {ViewState.SAME}  # night, fog, a covered lens


def test_what_the_detector_found_is_left_out() -> None:
    """A bus filling most of the picture is not the view changing."""
    check, home = ViewCheck(), street(0)
    assert [look(check, home, s) for s in (0, 2, 4)] == [ViewState.SAME] * 3
    bus = home.copy()
    bus[60:700, 40:1100] = street(5)[60:700, 40:1100]
    box = np.array([[40, 60, 1100, 700]], np.float32)
    assert [look(check, bus, s, box) for s in (6, 8, 10)] == [ViewState.SAME] * 3


def test_a_slow_pan_past_the_zones_is_another_view() -> None:
    """Each look matches the one before, but the drift adds up past 12% of the picture's width."""
    check, scene = ViewCheck(), street(0)
    states = [look(check, moved(scene, -6.0 * k, 0.0), 2.0 * k) for k in range(40)]  # 240 px of 1280
    first = states.index(ViewState.OTHER)
    assert 0.12 * SIZE[1] <= 6.0 * first <= 0.12 * SIZE[1] + 12


def test_pictures_between_checks_hold_the_verdict() -> None:
    check, home = ViewCheck(every_seconds=2.0), street(0)
    for s in (0, 2, 4):
        look(check, home, s)
    assert look(check, street(1), 6) is ViewState.SAME
    assert look(check, street(1), 7.5) is ViewState.SAME  # not a check: under 2 s since the last
    assert look(check, street(1), 8) is ViewState.OTHER


def remembered(image: np.ndarray) -> np.ndarray:
    """The picture as a view memory keeps it: 640 px wide, JPEG."""
    small = cv2.resize(image, (640, round(image.shape[0] * 640 / image.shape[1])), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), np.uint8)


def test_a_camera_turned_while_the_product_was_down_has_lost_its_view_from_the_start() -> None:
    check = ViewCheck()
    check.recall(remembered(street(0)))
    elsewhere = street(1)
    assert look(check, elsewhere, 0) is ViewState.SAME  # one look may be a lorry filling the view
    assert look(check, elsewhere, 2) is ViewState.OTHER
    assert {look(check, elsewhere, s) for s in range(4, 40, 2)} == {ViewState.OTHER}  # it never becomes the view
    assert not check.confirmed


def test_a_camera_pointed_back_at_its_remembered_view_starts_again_from_there() -> None:
    check, home = ViewCheck(), street(0)
    check.recall(remembered(home))
    assert [look(check, street(1), s) for s in (0, 2)] == [ViewState.SAME, ViewState.OTHER]
    assert look(check, moved(home, 8, -4), 4) is ViewState.SAME
    assert check.take_reanchored() and not check.take_reanchored()  # said once
    assert check.confirmed and check.offset == (0.0, 0.0)  # offsets count from this picture now
    assert look(check, street(1), 6) is ViewState.SAME
    assert look(check, street(1), 8) is ViewState.OTHER  # and it can be lost again as in one run


def test_a_camera_that_still_shows_its_remembered_view_goes_on_as_in_one_run() -> None:
    check, home = ViewCheck(), street(0)
    check.recall(remembered(moved(home, -20, 10)))  # it drifted a little since
    states = [look(check, moved(home, 2.0 * k, 0.0), 2.0 * k) for k in range(6)]
    assert set(states) == {ViewState.SAME}
    assert check.confirmed and not check.take_reanchored()
    assert check.offset is not None and abs(check.offset[0] - 10.0) < 3  # from this run's first picture


def test_a_featureless_remembered_picture_is_not_used() -> None:
    """A picture remembered in fog or at night cannot tell the view: the run goes on as without one."""
    check = ViewCheck()
    check.recall(np.full((360, 640, 3), 90, np.uint8))
    assert [look(check, street(1), s) for s in (0, 2, 4, 6)] == [ViewState.SAME] * 4
    assert check.confirmed
