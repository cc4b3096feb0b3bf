"""The 核查 decision: the original object's box and the re-check frames' detections -> outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from domain.types import Detections
from vision.recheck import RecheckTarget, RecheckView, decide
from vision.violations import registry

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
W, H = 1920, 1080
CAR = (0.45, 0.55, 0.62, 0.80)  # normalised box of the parked car at confirmation


def _px(box: tuple[float, float, float, float]) -> list[float]:
    return [box[0] * W, box[1] * H, box[2] * W, box[3] * H]


def view(i: int, *found: tuple[str, tuple[float, float, float, float]]) -> RecheckView:
    boxes = np.array([_px(b) for _, b in found], np.float32).reshape(-1, 4)
    dets = Detections(boxes, np.full(len(found), 0.8, np.float32), tuple(label for label, _ in found))
    return RecheckView(T0 + timedelta(seconds=2 * i), W, H, dets)


def target(kind: str, box: tuple[float, float, float, float] | None = CAR) -> RecheckTarget:
    return RecheckTarget(kind, registry.kind_of(kind).recheck, box)


OTHER_CAR = ("vehicle", (0.05, 0.55, 0.20, 0.75))  # a car elsewhere in the picture
SAME_PLACE = ("vehicle", (0.46, 0.56, 0.63, 0.81))
PASSING_IN_FRONT = ("vehicle", (0.55, 0.50, 0.75, 0.85))  # overlaps the place, IoU about 0.18


def test_car_gone_is_cleared() -> None:
    d = decide(target("illegal_parking"), tuple(view(i, OTHER_CAR) for i in range(3)))
    assert (d.outcome, d.reason, d.frames, d.frames_present) == ("cleared", "not_present", 3, 0)
    assert "3 frames" in d.detail


def test_car_still_there_is_still_present() -> None:
    d = decide(target("illegal_parking"), (view(0, SAME_PLACE, OTHER_CAR), view(1, SAME_PLACE), view(2)))
    assert (d.outcome, d.reason, d.frames_present) == ("still_present", "present", 2)
    assert [len(m) for m in d.matches] == [1, 1, 0]
    assert d.matches[0][0].iou == pytest.approx(0.0384 / 0.0466, abs=1e-3) and d.matches[0][0].label == "vehicle"


def test_a_car_passing_over_the_place_does_not_count_as_the_parked_one() -> None:
    d = decide(target("illegal_parking"), tuple(view(i, PASSING_IN_FRONT) for i in range(3)))
    assert d.outcome == "cleared"


def test_seen_in_fewer_than_half_the_frames_is_inconclusive() -> None:
    d = decide(target("illegal_parking"), (view(0, SAME_PLACE), view(1), view(2)))
    assert (d.outcome, d.reason, d.frames_present) == ("inconclusive", "partly_present", 1)


@pytest.mark.parametrize(
    ("views", "unavailable", "reason", "words"),
    [
        ((), "camera gate-7 is offline: no frame within 5 s", "no_frames", "offline"),
        ((), "", "no_frames", "no re-check frames"),
        (
            (view(0, SAME_PLACE),),
            "the stream ended",
            "too_few_frames",
            "1 re-check frame(s), 2 needed: the stream ended",
        ),
    ],
)
def test_no_or_too_few_frames_is_inconclusive_naming_why(
    views: tuple[RecheckView, ...], unavailable: str, reason: str, words: str
) -> None:
    d = decide(target("illegal_parking"), views, unavailable=unavailable)
    assert (d.outcome, d.reason) == ("inconclusive", reason)
    assert words in d.detail


def test_a_case_without_a_box_is_inconclusive() -> None:
    d = decide(target("illegal_parking", None), (view(0, SAME_PLACE), view(1, SAME_PLACE)))
    assert (d.outcome, d.reason) == ("inconclusive", "no_box")


@pytest.mark.parametrize(("kind", "why"), [("mud_truck", "moving_vehicle"), ("rooftop_structure", "needs_flight")])
def test_kinds_a_camera_cannot_look_at_again_say_so(kind: str, why: str) -> None:
    d = decide(target(kind), (view(0, SAME_PLACE), view(1, SAME_PLACE)))
    assert (d.outcome, d.reason, d.frames) == ("not_recheckable", why, 0)


def test_barbecue_smoke_above_the_grill_counts_and_a_stall_is_looked_for_by_its_label() -> None:
    grill = (0.40, 0.60, 0.50, 0.75)
    smoke_above = ("smoke", (0.41, 0.40, 0.52, 0.60))  # no overlap with the grill box, just above it
    smoke_far = ("smoke", (0.05, 0.05, 0.15, 0.20))
    assert decide(target("open_barbecue", grill), (view(0, smoke_above), view(1, smoke_above))).outcome == (
        "still_present"
    )
    assert decide(target("open_barbecue", grill), (view(0, smoke_far), view(1, smoke_far))).outcome == "cleared"
    stall = ("vending_stall", CAR)
    assert decide(target("street_vending", CAR), (view(0, stall), view(1, stall))).outcome == "still_present"
    assert decide(target("street_vending", CAR), (view(0, SAME_PLACE), view(1, SAME_PLACE))).outcome == "cleared"


def test_a_box_that_is_not_normalised_is_refused() -> None:
    with pytest.raises(ValueError, match="normalised"):
        target("illegal_parking", (100, 200, 300, 400))
