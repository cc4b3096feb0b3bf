"""The view check on the kit's real clips: fixed cameras (one drifting on a footbridge) keep their view
for the whole clip; a camera that shows another street is seen to within two checks; views whose
pictures never match one another (a telephoto lane filled with traffic, wet asphalt) are never called
lost. What the shipped street detector finds is left out, as in the analyzer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from api.pipeline.real_eval import shipped_detector
from tests.integration.realdata.test_steady_view_real import sampled
from vision.detectors import Detector, build_detector
from vision.view_check import ViewCheck, ViewState

START = datetime(2026, 5, 1, 9, 0)
Look = tuple[float, npt.NDArray[np.uint8], npt.NDArray[np.float32]]


@pytest.fixture(scope="module")
def street() -> Detector:
    return build_detector(shipped_detector(Path("configs/cameras.yaml"), "street").config)


def looks(
    kit: Path, clip: str, every_s: float, detector: Detector, size: tuple[int, int] | None = None, first: int = 1000
) -> list[Look]:
    found = []
    for second, image in sampled(kit / "clips" / f"{clip}.mp4", every_s)[:first]:
        boxes = detector.detect(image).boxes
        if size is not None:  # another camera's picture at this one's size
            scale = np.array([size[0] / image.shape[1], size[1] / image.shape[0]] * 2, np.float32)
            image, boxes = cv2.resize(image, size), boxes * scale
        found.append((second, image, boxes))
    return found


def verdicts(check: ViewCheck, seen: list[Look], after: float = 0.0) -> list[ViewState]:
    return [check.check(image, boxes, START + timedelta(seconds=after + s)) for s, image, boxes in seen]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "every_s"),
    [
        ("cn_expressway_gantry_cctv_sichuan", 2.0),
        ("motorway_overpass_along_axis", 0.5),
        ("street_elevated_traffic_with_parked_cars", 0.5),  # drifts about 30 px in 12 s
        ("overhead_parking_lot_car_parks", 0.2),
    ],
)
def test_a_fixed_camera_keeps_its_view(kit: Path, street: Detector, clip: str, every_s: float) -> None:
    check = ViewCheck()
    assert set(verdicts(check, looks(kit, clip, every_s, street))) == {ViewState.SAME}
    assert check.inliers is not None and check.inliers >= check.same_inliers  # matched, not merely unsure


@pytest.mark.slow
def test_a_camera_showing_another_street_loses_its_view_and_finds_it_again(kit: Path, street: Detector) -> None:
    home = looks(kit, "street_elevated_traffic_with_parked_cars", 0.5, street)
    size = (home[0][1].shape[1], home[0][1].shape[0])
    elsewhere = looks(kit, "cn_expressway_gantry_cctv_sichuan", 0.5, street, size, first=20)
    check = ViewCheck()
    assert set(verdicts(check, home[:12])) == {ViewState.SAME}
    turned = verdicts(check, elsewhere, after=6.0)
    assert ViewState.OTHER in turned[:9]  # within 4 s: two checks 2 s apart
    assert set(turned[turned.index(ViewState.OTHER) :]) == {ViewState.OTHER}
    back = verdicts(check, home[12:], after=16.0)
    assert back[-1] is ViewState.SAME


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["cn_beijing_traffic_closeup_plates", "overhead_lot_lane_cars_passing"])
def test_a_view_that_never_matches_itself_is_never_called_lost(kit: Path, street: Detector, clip: str) -> None:
    assert set(verdicts(ViewCheck(), looks(kit, clip, 1.0, street))) == {ViewState.SAME}
