from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

import numpy as np
import pytest

from tests.unit.vision.rules.sequences import HEIGHT, TZ, WIDTH, Obj, at, detections, run, shift
from vision.rules import ParkingRule
from vision.types import Frame
from vision.zones import NoParkingZone

DWELL = 20.0
CAR = (200.0, 450.0, 440.0, 600.0)  # anchor (320, 600) -> (0.25, 0.83), inside the zone
OUTSIDE = (900.0, 450.0, 1140.0, 600.0)  # anchor x 0.79, right of the zone


def zone(**extra: object) -> NoParkingZone:
    fields: dict[object, object] = {
        "name": "curb",
        "kind": "no_parking",
        "polygon": [(0.05, 0.55), (0.7, 0.55), (0.7, 0.98), (0.05, 0.98)],
        "dwell_seconds": DWELL,
        "photo_interval_seconds": 5,
        "active_hours": ["07:00-22:00"],
    }
    fields.update(extra)
    return NoParkingZone.model_validate(fields)


def parked(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR, 1)]


def jittering(t: float) -> list[Obj]:
    wobble = 3.0 if int(t * 2) % 2 else -3.0
    shunt = 20.0 if t >= 10 else 0.0  # edges forward a little mid-stay (20 px of a 190 px car)
    return [Obj("vehicle", shift(CAR, wobble + shunt, -wobble), 1)]


def occluded(t: float) -> list[Obj]:
    return [] if 8 <= t < 12 else [Obj("vehicle", CAR, 1)]


def new_id_after_occlusion(t: float) -> list[Obj]:
    if 8 <= t < 11:
        return []
    return [Obj("truck", CAR, 1 if t < 8 else 7)]


def passer_by_takes_the_id(t: float) -> list[Obj]:
    if t < 8:
        return [Obj("vehicle", CAR, 1)]
    if t < 9:  # the parked car is hidden by a passing one, which the tracker matches to a new id
        return [Obj("vehicle", shift(CAR, 10), 2)]
    if t < 10:
        return [Obj("vehicle", shift(CAR, 300), 2)]
    return [Obj("vehicle", CAR, 1), Obj("vehicle", shift(CAR, 300 + 40 * (t - 10)), 2)]


def drives_off_and_back(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR if t < 10 or t >= 12 else shift(CAR, 200), 1)]


def driving_through(t: float) -> list[Obj]:
    return [Obj("vehicle", shift(CAR, -150 + 25 * t), 3)]


def outside(t: float) -> list[Obj]:
    return [Obj("vehicle", OUTSIDE, 1)]


def two_cars(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR, 1), Obj("vehicle", shift(CAR, 300), 2)]


def untracked(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR, -1)]


def person(t: float) -> list[Obj]:
    return [Obj("person", CAR, 4)]


Scene = Callable[[float], Iterable[Obj]]


@pytest.mark.parametrize(
    ("case", "start", "seconds", "scene", "expected"),
    [
        ("stop time just under", at("09:00"), DWELL, parked, 0),
        ("stop time just over", at("09:00"), DWELL + 0.5, parked, 1),
        ("outside active hours", at("22:00"), 120, parked, 0),
        ("active hours end the count", at("21:59", 50), 30, parked, 0),
        ("count starts with active hours", at("06:59", 30), 51, parked, 1),
        ("jitter and a small shunt", at("09:00"), DWELL + 0.5, jittering, 1),
        ("occluded for a few frames", at("09:00"), DWELL + 0.5, occluded, 1),
        ("new track id after occlusion", at("09:00"), DWELL + 0.5, new_id_after_occlusion, 1),
        ("a passer-by takes the id briefly", at("09:00"), DWELL + 0.5, passer_by_takes_the_id, 1),
        ("drives off and comes back: clock restarts", at("09:00"), DWELL + 0.5, drives_off_and_back, 0),
        ("drives off and comes back, then stays", at("09:00"), 12 + DWELL + 0.5, drives_off_and_back, 1),
        ("driving through the zone", at("09:00"), 60, driving_through, 0),
        ("parked outside the zone", at("09:00"), 60, outside, 0),
        ("one violation per stay", at("09:00"), 600, parked, 1),
        ("two cars, two violations", at("09:00"), 60, two_cars, 2),
        ("untracked detections are ignored", at("09:00"), 60, untracked, 0),
        ("people do not park", at("09:00"), 60, person, 0),
    ],
)
def test_parking_boundaries(case: str, start, seconds: float, scene: Scene, expected: int) -> None:  # noqa: ANN001
    violations = run(ParkingRule(zone(), TZ), start, seconds, scene)
    assert len(violations) == expected, case
    assert len({v.episode_key for v in violations}) == expected


def test_violation_carries_the_evidence_a_reviewer_needs() -> None:
    start = at("09:00")
    [violation] = run(ParkingRule(zone(), TZ), start, 60, parked)
    assert violation.violation_type == "illegal_parking"
    assert (violation.source_id, violation.zone_name, violation.track_id) == ("cam-1", "curb", 1)
    assert violation.first_seen_at == start
    assert violation.confirmed_at == start + timedelta(seconds=DWELL + 0.5)
    assert violation.zone_polygon == ((0.05, 0.55), (0.7, 0.55), (0.7, 0.98), (0.05, 0.98))
    roles = [p.role for p in violation.photos]
    assert roles[0] == "arrival" and roles[-1] == "confirmation" and "interval" in roles
    assert len(roles) >= 3
    times = [p.frame.captured_at for p in violation.photos]
    assert times == sorted(times)
    assert times[-1] - times[0] > timedelta(seconds=DWELL)
    interval = [t - start for t, r in zip(times, roles, strict=True) if r == "interval"]
    assert interval == [timedelta(seconds=s) for s in (5, 10, 15)]  # the first three
    assert violation.photos[0].marks[0].box == CAR
    assert violation.episode_key == "cam-1:curb:illegal_parking:track-1:20260501T010000Z"


def test_an_interval_photo_even_when_the_interval_is_the_stop_time() -> None:
    [violation] = run(ParkingRule(zone(photo_interval_seconds=DWELL), TZ), at("09:00"), 30, parked)
    interval = [p.frame.captured_at - at("09:00") for p in violation.photos if p.role == "interval"]
    assert interval[0] == timedelta(seconds=DWELL / 2)
    assert [p.role for p in violation.photos][-1] == "confirmation"


def test_a_reparked_car_after_leaving_is_a_new_episode() -> None:
    def leaves_and_returns(t: float) -> list[Obj]:
        return [] if 30 <= t < 60 else [Obj("vehicle", CAR, 1 if t < 30 else 5)]

    violations = run(ParkingRule(zone(), TZ), at("09:00"), 90, leaves_and_returns)
    assert len(violations) == 2
    assert violations[0].episode_key != violations[1].episode_key


def test_photos_keep_their_pixels_when_the_frame_buffer_is_reused() -> None:
    ring = np.zeros((2, HEIGHT, WIDTH, 3), np.uint8)  # two reused slots, as a ring buffer might hand out
    rule = ParkingRule(zone(), TZ)
    violations = []
    for index in range(45):
        slot = ring[index % 2]
        slot[:] = index
        frame = Frame("cam-1", index, at("09:00", index / 2), slot)
        violations += rule.update(frame, detections(parked(0)))
    [violation] = violations
    assert [int(p.frame.image[0, 0, 0]) for p in violation.photos] == [
        p.frame.index for p in violation.photos
    ]
