from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

import numpy as np
import pytest

from domain.types import Frame, PlateReading
from tests.unit.vision.rules.sequences import HEIGHT, TZ, WIDTH, Obj, at, detections, paint, run, shift
from vision.episodes import KnownEpisode
from vision.identity import Appearance
from vision.rules.parking import ParkingRule
from vision.violations.parking import NoParkingZone

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


def missed_by_the_detector(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR, 1, detected=not 8 <= t < 12)]


def hidden_by_a_passing_van(t: float) -> list[Obj]:
    """A van drives along the lane in front of the parked car; the car is not detected while hidden."""
    car = Obj("vehicle", CAR, 1, detected=not 8.5 <= t < 11.5)
    if not 7 <= t < 13:
        return [car]
    return [car, Obj("vehicle", shift(CAR, -200 + 60 * (t - 7), 30), 9, look=2)]


def new_id_after_occlusion(t: float) -> list[Obj]:
    return [Obj("truck", CAR, 1 if t < 8 else 7, detected=not 8 <= t < 11)]


def passer_by_takes_the_id(t: float) -> list[Obj]:
    if t < 8:
        return [Obj("vehicle", CAR, 1)]
    if t < 9:  # the parked car is hidden by a passing one, which the tracker matches to a new id
        return [Obj("vehicle", CAR, 1, detected=False), Obj("vehicle", shift(CAR, 10), 2, look=1)]
    if t < 10:
        return [Obj("vehicle", CAR, 1, detected=False), Obj("vehicle", shift(CAR, 300), 2, look=1)]
    return [Obj("vehicle", CAR, 1), Obj("vehicle", shift(CAR, 300 + 40 * (t - 10)), 2, look=1)]


def drives_off_and_back(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR if t < 10 or t >= 12 else shift(CAR, 200), 1)]


def driving_through(t: float) -> list[Obj]:
    return [Obj("vehicle", shift(CAR, -150 + 25 * t), 3)]


def outside(t: float) -> list[Obj]:
    return [Obj("vehicle", OUTSIDE, 1)]


def cut_by_the_picture_on_two_sides(t: float) -> list[Obj]:
    """A tall vehicle in the picture's top-left corner: how much of it lies outside cannot be told."""
    return [Obj("vehicle", (0.0, 0.0, 240.0, 600.0), 1)]


BUS_CUT_LEFT = (0.0, 420.0, 260.0, 600.0)  # a bus parked half out of view: anchor (130, 600) inside the zone


def a_bus_cut_by_the_left_edge(t: float) -> list[Obj]:
    """Parked; the detector places its right end 30 px apart from frame to frame (a real night clip's bus:
    18-20 px on a 150 px box), more than a vehicle in front may move an edge, less than a whole one's anchor."""
    return [Obj("vehicle", BUS_CUT_LEFT if int(t * 2) % 3 else (0.0, 420.0, 230.0, 600.0), 1)]


def bus_boxed_in_and_out_of_the_edge(t: float) -> list[Obj]:
    """Parked with its left end at the picture's edge: the detector's box reaches the edge on some frames
    and stops 10 px short of it on others (seen whole then), which is no reason to count again."""
    return [Obj("vehicle", (10.0, 420.0, 260.0, 600.0) if int(t * 2) % 2 else BUS_CUT_LEFT, 1)]


def driving_out_past_the_left_edge(t: float) -> list[Obj]:
    """Slows to a crawl while leaving the picture: cut by the left edge the whole time, its right end moves."""
    right = 260.0 - 6.0 * t
    return [Obj("vehicle", (0.0, 420.0, right, 600.0), 1)] if right > 40 else []


def two_cars(t: float) -> list[Obj]:
    return [Obj("vehicle", CAR, 1), Obj("vehicle", shift(CAR, 300), 2, look=1)]


def a_different_car_takes_the_spot(t: float) -> list[Obj]:
    """Car A stands 12 s and leaves unseen (at a low frame rate); car B stands in the same spot."""
    if t < 12:
        return [Obj("vehicle", CAR, 1)]
    return [] if t < 13 else [Obj("vehicle", CAR, 2, look=1)]


def the_tracker_hands_the_id_to_another_car(t: float) -> list[Obj]:
    """The same spot and the same track id, but from 12 s on a white SUV instead of the red sedan."""
    return [Obj("vehicle", CAR, 1, look=0 if t < 12 else 1)]


def look_alikes_swap_the_spot(t: float) -> list[Obj]:
    """Car A drives off at 12 s; its look-alike B pulls into the same spot at 14 s."""
    if t < 12:
        return [Obj("vehicle", CAR, 1)]
    if t < 13:
        return [Obj("vehicle", shift(CAR, 250 * (t - 11)), 1)]
    return [] if t < 14 else [Obj("vehicle", shift(CAR, 6), 2)]


def shuffling_in_a_queue(t: float) -> list[Obj]:
    """Forward 40 px, back 40 px: never far from where it stopped, but it moved 80 px in all."""
    dx = 0.0 if t < 6 else (40.0 if t < 12 else -40.0)
    return [Obj("vehicle", shift(CAR, dx), 1)]


def crawling_through_a_jam(t: float) -> list[Obj]:
    return [Obj("vehicle", shift(CAR, 3.0 * t), 1)]


def colour_drifts_from_red_to_blue(t: float) -> list[Obj]:
    """Each frame looks like the one before, but the arrival and confirmation vehicles differ."""
    step = min(t / DWELL, 1.0)
    colour = (int(40 + 150 * step), 40, int(170 - 150 * step))
    return [Obj("vehicle", CAR, 1, colour=colour)]


def partly_hidden_then_a_new_id(t: float) -> list[Obj]:
    """A van stops in front of the parked car's left part for 3 s; the detector boxes the part it still
    sees (a third of the car), then the tracker gives the whole car a new id."""
    if t < 8:
        return [Obj("vehicle", CAR, 1)]
    if t < 11:
        van = Obj("vehicle", (150.0, 440.0, 360.0, 620.0), 9, look=2)
        return [
            Obj("vehicle", CAR, 1, detected=False),
            van,
            Obj("vehicle", (350.0, 450.0, 440.0, 600.0), 1, painted=False),
        ]
    return [Obj("vehicle", CAR, 7)]


def look_alike_keeps_the_id_after_an_empty_spot(t: float) -> list[Obj]:
    """At 1 fps car A is gone on one frame (12 s) and its look-alike B stands in the spot on the next;
    the tracker hands A's id to B."""
    if t < 12:
        return [Obj("vehicle", CAR, 1)]
    return [] if t < 13 else [Obj("vehicle", shift(CAR, 6), 1)]


def a_look_alike_rolls_through_the_hidden_spot(t: float, stays: bool = False) -> list[Obj]:
    """Car A parks 8 s, then a van standing in the lane hides its spot (A leaves unseen); at 21 s, the stop
    time over, a look-alike B with a new id rolls through the spot: one frame there, then it moves on."""
    if t < 8:
        return [Obj("vehicle", CAR, 1)]
    if t < 21:
        return [Obj("vehicle", (150.0, 500.0, 450.0, 710.0), 9, look=2)]  # its ground point is outside the zone
    return [Obj("vehicle", shift(CAR, 6 if stays else 6 + 60 * (t - 21)), 5)]


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
        ("missed by the detector for a few frames", at("09:00"), DWELL + 0.5, missed_by_the_detector, 1),
        ("hidden by a passing van", at("09:00"), DWELL + 0.5, hidden_by_a_passing_van, 1),
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
        ("a vehicle cut by the picture on two sides", at("09:00"), 60, cut_by_the_picture_on_two_sides, 0),
        ("a parked bus cut by the left edge", at("09:00"), 60, a_bus_cut_by_the_left_edge, 1),
        ("crawling out past the left edge", at("09:00"), 60, driving_out_past_the_left_edge, 0),
        ("boxed in and out of the left edge", at("09:00"), DWELL + 0.5, bus_boxed_in_and_out_of_the_edge, 1),
        ("a different car in the same spot", at("09:00"), 30, a_different_car_takes_the_spot, 0),
        ("another car in the same spot, then long", at("09:00"), 13 + DWELL + 0.5, a_different_car_takes_the_spot, 1),
        ("the tracker hands the id to another car", at("09:00"), 30, the_tracker_hands_the_id_to_another_car, 0),
        ("look-alikes swap the spot", at("09:00"), 30, look_alikes_swap_the_spot, 0),
        ("shuffling in a queue", at("09:00"), DWELL + 5, shuffling_in_a_queue, 0),
        ("crawling through a jam", at("09:00"), 60, crawling_through_a_jam, 0),
        ("arrival and confirmation vehicles differ", at("09:00"), DWELL + 5, colour_drifts_from_red_to_blue, 0),
    ],
)
def test_parking_boundaries(case: str, start, seconds: float, scene: Scene, expected: int) -> None:  # noqa: ANN001
    violations = run(ParkingRule(zone(), TZ), start, seconds, scene)
    assert len(violations) == expected, case
    assert len({v.episode_key for v in violations}) == expected


@pytest.mark.parametrize("fps", [1, 2, 4])
def test_a_look_alike_passing_through_does_not_confirm_a_taken_over_stay(fps: int) -> None:
    assert run(ParkingRule(zone(), TZ), at("09:00"), 30, a_look_alike_rolls_through_the_hidden_spot, fps=fps) == []


def test_a_taken_over_stay_is_confirmed_once_its_vehicle_stood_still() -> None:
    """The same scene with B standing: B may be A found again under a new id, and looks alone cannot tell
    (the plate tests below can), so the stay is confirmed, but only once B stood still 3 s."""

    def stays(t: float) -> list[Obj]:
        return a_look_alike_rolls_through_the_hidden_spot(t, stays=True)

    [violation] = run(ParkingRule(zone(), TZ), at("09:00"), 30, stays)
    assert violation.confirmed_at == at("09:00", 24)


def test_a_case_names_the_picture_edges_its_vehicle_runs_past() -> None:
    [cut] = run(ParkingRule(zone(), TZ), at("09:00"), 60, a_bus_cut_by_the_left_edge)
    assert cut.details.cut_by_picture == ("left",)  # type: ignore[union-attr]
    assert len(cut.photos) >= 3  # arrival, interval, confirmation as for any case
    [whole] = run(ParkingRule(zone(), TZ), at("09:00"), 60, parked)
    assert whole.details.cut_by_picture == ()  # type: ignore[union-attr]


def test_a_vehicle_cut_by_the_detectors_window_is_judged_as_at_the_picture_edge() -> None:
    """The detector looked at part of the picture (the zones' window): a box reaching an inner edge of it
    may be cut there, so that edge says nothing; the others show the car still. The photos are of the
    whole picture, where the car shows whole: the case names no cut side. Cut on two sides: no stay."""
    for window in ((200, 300, 1000, 720), (0, 450, 1000, 720), (100, 300, 1000, 720)):  # left, top, none
        [violation] = run(ParkingRule(zone(), TZ), at("09:00"), 60, parked, view=window)
        assert violation.details.cut_by_picture == ()  # type: ignore[union-attr]
    assert run(ParkingRule(zone(), TZ), at("09:00"), 60, parked, view=(200, 450, 1000, 720)) == []


def test_a_partly_hidden_car_is_taken_over_by_its_whole_box() -> None:
    """The stay's place is its last clear box, not the third of the car seen past the van."""
    [violation] = run(ParkingRule(zone(), TZ), at("09:00"), DWELL + 0.5, partly_hidden_then_a_new_id)
    assert violation.first_seen_at == at("09:00") and violation.track_id == 7


@pytest.mark.parametrize(("seconds", "expected"), [(30, 0), (13 + DWELL + 1, 1)])
def test_an_id_kept_across_an_empty_spot_is_a_new_stay(seconds: float, expected: int) -> None:
    """Seen empty on one frame, then a look-alike with the same id: its own stay, from its own arrival."""
    violations = run(ParkingRule(zone(), TZ), at("09:00"), seconds, look_alike_keeps_the_id_after_an_empty_spot, fps=1)
    assert len(violations) == expected
    assert all(v.first_seen_at == at("09:00", 13) for v in violations)


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
    assert violation.episode_key == "cam-1:curb:illegal_parking:20260501T010000Z@0.250,0.833"
    assert violation.identity is not None and violation.identity.box == (200 / 1280, 450 / 720, 440 / 1280, 600 / 720)


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
        slot[:] = paint(parked(0))
        slot[0, 0] = index
        frame = Frame("cam-1", index, at("09:00", index / 2), slot)
        violations += rule.update(frame, detections(parked(0)))
    [violation] = violations
    assert [int(p.frame.image[0, 0, 0]) for p in violation.photos] == [p.frame.index for p in violation.photos]


# -- identity by plate ------------------------------------------------------------------------------


def run_with_plates(
    rule: ParkingRule, plates: dict[int, PlateReading], seconds: float, scene: Scene, plate_at: Callable[[float], str]
) -> list:  # noqa: ANN001
    """Like `run`, with the tracks' voted plate set to `plate_at(t)` (confidence 0.95) before each frame."""
    return run_with_readings(rule, plates, seconds, scene, lambda t: PlateReading(plate_at(t), 0.95))


def look_alike_with_the_same_id(t: float) -> list[Obj]:
    """At 12 s a look-alike stands where the first car stood; the tracker keeps the id."""
    return [Obj("vehicle", CAR if t < 12 else shift(CAR, 6), 1)]


def test_a_look_alike_with_another_plate_is_another_vehicle() -> None:
    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)

    def plate(t: float) -> str:
        return "浙A11111" if t < 12 else "浙B22222"

    violations = run_with_plates(rule, plates, 30, look_alike_with_the_same_id, plate)
    assert violations == []  # the second car's own stay began at 12 s: not over the stop time at 30 s
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    [violation] = run_with_plates(rule, plates, 34, look_alike_with_the_same_id, plate)
    assert violation.first_seen_at == at("09:00", 12)


def run_with_readings(
    rule: ParkingRule,
    plates: dict[int, PlateReading],
    seconds: float,
    scene: Scene,
    reading_at: Callable[[float], PlateReading],
) -> list:  # noqa: ANN001
    """Like `run_with_plates`, with the whole voted reading (text, confidence, votes) given per time."""
    violations = []
    for index in range(int(seconds * 2) + 1):
        t = index / 2
        objects = list(scene(t))
        for o in objects:
            plates[o.track_id] = reading_at(t)
        frame = Frame("cam-1", index, at("09:00", t), paint(objects))
        violations += rule.update(frame, detections(objects))
    return violations


def look_alike_read_under_the_same_id(t: float) -> PlateReading:
    """The track's votes: the first car's plate, then the look-alike's winning without confidence yet
    (the track holds both cars' reads)."""
    if t < 12:
        return PlateReading("浙A11111", 0.95, votes=2)
    return PlateReading("浙B22222", 0.7, votes=1 if t < 14 else 3)


def test_a_look_alike_whose_plate_wins_the_vote_unsure_is_another_vehicle() -> None:
    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    assert run_with_readings(rule, plates, 30, look_alike_with_the_same_id, look_alike_read_under_the_same_id) == []
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    [violation] = run_with_readings(rule, plates, 35, look_alike_with_the_same_id, look_alike_read_under_the_same_id)
    assert violation.first_seen_at == at("09:00", 14)  # read twice at 14 s: its own stay from there


def test_one_read_of_another_plate_holds_the_confirmation() -> None:
    def one_other_read(t: float) -> PlateReading:
        return PlateReading("浙A11111", 0.95, votes=2) if t < 12 else PlateReading("浙B22222", 0.5, votes=1)

    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    assert run_with_readings(rule, plates, 40, look_alike_with_the_same_id, one_other_read) == []


def test_a_plate_misread_by_one_character_keeps_the_stay() -> None:
    """J read as 1 on a later frame: one character apart is a misread, and the look is the same car's."""
    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    violations = run_with_plates(rule, plates, DWELL + 0.5, parked, lambda t: "皖F327J5" if t < 8 else "皖F32715")
    assert len(violations) == 1 and violations[0].first_seen_at == at("09:00")


def test_votes_two_characters_off_the_stays_plate_keep_the_stay() -> None:
    """A confident read, then a small plate misread twice in two places (1 as 3, 8 as B): one car's noisy
    votes, not a look-alike under the same id; the stay goes on and is confirmed once."""

    def noisy(t: float) -> PlateReading:
        return PlateReading("苏B75128", 0.9, votes=1) if t < 3 else PlateReading("苏B7532B", 0.54, votes=2)

    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    violations = run_with_readings(rule, plates, DWELL + 0.5, parked, noisy)
    assert len(violations) == 1 and violations[0].first_seen_at == at("09:00")


def test_without_plates_look_alikes_cannot_be_told_apart() -> None:
    """The limit of appearance: what the plate test above adds."""
    assert len(run(ParkingRule(zone(), TZ), at("09:00"), 30, look_alike_with_the_same_id)) == 1


def test_the_same_plate_keeps_the_stay_when_the_look_changes() -> None:
    def lights_change(t: float) -> list[Obj]:
        return [Obj("vehicle", CAR, 1, look=0 if t < 10 else 3)]

    plates: dict[int, PlateReading] = {}
    rule = ParkingRule(zone(), TZ, plate_of=plates.get)
    violations = run_with_plates(rule, plates, DWELL + 0.5, lights_change, lambda t: "浙A11111")
    assert len(violations) == 1
    assert run(ParkingRule(zone(), TZ), at("09:00"), DWELL + 0.5, lights_change) == []  # appearance alone: not proved


# -- episodes across restarts -----------------------------------------------------------------------


def known_from(violation, last_seen_at) -> KnownEpisode:  # noqa: ANN001
    identity = violation.identity
    return KnownEpisode(
        key=violation.episode_key,
        source_id=violation.source_id,
        zone_name=violation.zone_name,
        violation_type=violation.violation_type,
        box=identity.box,
        appearance=Appearance.from_list(identity.appearance),
        plate_text=identity.plate,
        first_seen_at=violation.first_seen_at,
        last_seen_at=last_seen_at,
    )


def test_a_restart_continues_the_stay_of_the_same_car() -> None:
    [before] = run(ParkingRule(zone(), TZ), at("09:00"), 30, parked)
    rule = ParkingRule(zone(), TZ)
    rule.resume([known_from(before, at("09:00", 30))])
    assert run(rule, at("09:01"), 60, parked) == []
    assert [s.key for s in rule.sightings()] == [before.episode_key]


def test_a_restart_opens_a_case_for_a_different_car_in_the_same_spot() -> None:
    [before] = run(ParkingRule(zone(), TZ), at("09:00"), 30, parked)
    rule = ParkingRule(zone(), TZ)
    rule.resume([known_from(before, at("09:00", 30))])
    [after] = run(rule, at("09:01"), 30, lambda t: [Obj("vehicle", CAR, 1, look=1)])
    assert after.episode_key != before.episode_key


def test_an_old_episode_is_not_resumed_and_is_reported_ended() -> None:
    [before] = run(ParkingRule(zone(), TZ), at("09:00"), 30, parked)
    rule = ParkingRule(zone(), TZ, resume_within_seconds=600)
    rule.resume([known_from(before, at("09:00", 30))])
    assert len(run(rule, at("09:20"), 30, parked)) == 1
    assert [s.key for s in rule.take_ended()] == [before.episode_key]


def test_a_reported_stay_that_drives_off_is_reported_ended() -> None:
    rule = ParkingRule(zone(), TZ)
    [violation] = run(rule, at("09:00"), 30, parked)
    run(rule, at("09:00", 30.5), 5, lambda t: [])
    [ended] = rule.take_ended()
    assert ended.key == violation.episode_key and ended.seen_at == at("09:00", 30)


def a_look_alike_drives_in_as_the_first_leaves(t: float) -> list[Obj]:
    """Car A (id 2) parks; at 10 s it pulls out unseen by the detector while its look-alike B (id 8) comes
    from upstream, so the spot is never seen empty; B stands in it from 12 s."""
    if t < 10:
        return [Obj("vehicle", CAR, 2)]
    if t < 12:
        a_leaving = Obj("vehicle", shift(CAR, 100 * (t - 10)), 2, detected=False)
        return [a_leaving, Obj("vehicle", shift(CAR, -150 + 75 * (t - 10)), 8)]
    return [Obj("vehicle", shift(CAR, 6), 8)]


@pytest.mark.parametrize(("seconds", "expected"), [(30, 0), (12 + DWELL + 4, 1)])
def test_a_look_alike_that_drove_in_does_not_take_over_the_stay(seconds: float, expected: int) -> None:
    """B was first seen away from the spot: it drove in, so it is not A under a new id. Its own stay
    counts from its own arrival, never from A's."""
    violations = run(ParkingRule(zone(), TZ), at("09:00"), seconds, a_look_alike_drives_in_as_the_first_leaves)
    assert len(violations) == expected
    assert all(v.first_seen_at >= at("09:00", 12) and v.track_id == 8 for v in violations)


def _wanted_over_time(rule: ParkingRule, start, seconds: float, scene: Scene, track_id: int) -> list[float]:  # noqa: ANN001
    """The times (s from start) at which the rule wants track `track_id`'s plate, asked as the analyzer
    asks: on each frame's detections, before the rule's update for that frame."""
    wanted = []
    for index in range(int(seconds * 2) + 1):
        t = index / 2
        objects = list(scene(t))
        now = start + timedelta(seconds=t)
        box = next((np.array(o.box, np.float32) for o in objects if o.track_id == track_id and o.detected), None)
        if box is not None and rule.wants_plate(track_id, box, now):
            wanted.append(t)
        rule.update(Frame("cam-1", index, now, paint(objects)), detections(objects))
    return wanted


def test_a_plate_is_wanted_once_the_vehicle_stood_a_quarter_of_the_stop_time() -> None:
    wanted = _wanted_over_time(ParkingRule(zone(), TZ), at("09:00"), DWELL + 5, parked, 1)
    assert wanted[0] == DWELL / 4  # not while it could still be a short stop
    assert wanted[-1] == DWELL + 0.5  # reported then: its plate is attached, no more reads


def test_no_plate_is_wanted_for_traffic_passing_through_or_outside_active_hours() -> None:
    assert _wanted_over_time(ParkingRule(zone(), TZ), at("09:00"), 30, driving_through, 3) == []
    assert _wanted_over_time(ParkingRule(zone(), TZ), at("22:00"), 30, parked, 1) == []
    assert _wanted_over_time(ParkingRule(zone(), TZ, plate_after_seconds=2), at("09:00"), 10, parked, 1)[0] == 2.0


def test_a_plate_is_wanted_for_a_new_track_standing_where_a_stay_stood() -> None:
    """Whether the new id is the stay's vehicle found again can turn on its plate."""
    wanted = _wanted_over_time(ParkingRule(zone(), TZ), at("09:00"), 12, new_id_after_occlusion, 7)
    assert wanted[0] == 11  # the first frame track 7 is seen, before it took the stay over


def test_stays_of_two_same_sized_vehicles_are_told_apart_when_one_ends() -> None:
    """Ending a stay looks it up in the rule's list: two stays whose leading fields match (no track, same
    label and size) must compare by identity, not by their box arrays (that raised and stopped the camera)."""
    from vision.rules.stay import Sighting, Stay
    from vision.rules.views import WHOLE_VIEW

    def stay() -> Stay:
        begun = Stay.begin(
            Sighting(0, 1, "vehicle", np.array(CAR, np.float32), 0.9, WHOLE_VIEW, None, None), at("09:00")
        )
        begun.track_id = None  # left by its track
        return begun

    first, second = stay(), stay()
    stays = [first, second]
    assert second in stays and stays.index(second) == 1
    stays.remove(second)
    assert stays == [first]


# -- vehicles partly hidden by the one in front (`vision.rules.views`) -----------------------------------------
# Three cars nose to tail along the curb, seen along the street: the nearest (lowest) whole, each of the
# others showing its roof and windows above the car in front of it. Painted farthest first, so nearer
# cars cover the ones behind as in the picture.
ROW = ((190.0, 370.0, 350.0, 470.0), (240.0, 420.0, 470.0, 580.0), (300.0, 480.0, 600.0, 690.0))


def a_row_of_parked_cars(t: float) -> list[Obj]:
    return [Obj("vehicle", box, track, look=track) for track, box in enumerate(ROW, start=1)]


def a_row_crawling_in_a_queue(t: float) -> list[Obj]:
    """The same three, crawling 6 px/s together: a queue, not parked cars (120 px over the stop time)."""
    return [Obj("vehicle", shift(box, 6.0 * t), track, look=track) for track, box in enumerate(ROW, start=1)]


def a_van_parks_behind(t: float, from_s: float) -> list[Obj]:
    """A parked car; from `from_s` a van stands behind it (farther up the road, outside the zone of
    `NEAR_CURB`), its box covering 44% of the car's."""
    van = Obj("vehicle", (120.0, 330.0, 400.0, 530.0), 9, look=2)
    return ([van] if t >= from_s else []) + [Obj("vehicle", CAR, 1)]


NEAR_CURB = [(0.05, 0.75), (0.7, 0.75), (0.7, 0.98), (0.05, 0.98)]  # CAR's anchor inside, the van's not


def test_each_car_of_a_parked_row_is_one_case() -> None:
    """Before partly hidden cars were seen by their visible part, only the nearest one gave a case."""
    violations = run(ParkingRule(zone(), TZ), at("09:00"), DWELL + 0.5, a_row_of_parked_cars)
    assert sorted(v.track_id for v in violations) == [1, 2, 3]
    assert all(v.first_seen_at == at("09:00") for v in violations)
    assert len({v.episode_key for v in violations}) == 3
    assert len(run(ParkingRule(zone(), TZ), at("09:00"), 120, a_row_of_parked_cars)) == 3  # one case per stay


def test_a_queue_of_partly_hidden_cars_crawling_never_parks() -> None:
    """The cars behind are seen only partly; the edges of their boxes in view still show them moving."""
    assert run(ParkingRule(zone(), TZ), at("09:00"), 60, a_row_crawling_in_a_queue) == []


@pytest.mark.parametrize("van_from", [5.0, 25.0])
def test_a_van_parking_behind_a_parked_car_opens_no_second_case(van_from: float) -> None:
    """From then on the van's box covers the top of the car's: the car is seen by the part below it, and
    those views are compared only with each other, so the car is not taken for another vehicle and given
    a second stay. Arriving before the confirmation, the van leaves no view to compare with the arrival
    photo's: the count starts again (after `confirm_wait_seconds`) from a view like the confirmation's,
    later but still one case."""
    rule = ParkingRule(zone(polygon=NEAR_CURB), TZ)
    violations = run(rule, at("09:00"), 120, lambda t: a_van_parks_behind(t, van_from))
    assert [v.track_id for v in violations] == [1]
    if van_from > DWELL:
        assert violations[0].first_seen_at == at("09:00")
    else:
        assert violations[0].first_seen_at > at("09:00", van_from + DWELL)
