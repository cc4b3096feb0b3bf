from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from tests.unit.vision.rules.sequences import TZ, Obj, at, run
from vision.rules.street_vending import StreetVendingRule
from vision.violations.street_vending import VendingWatchZone

PERSIST = 20.0
STALL = (600.0, 500.0, 760.0, 580.0)  # anchor (0.53, 0.81): on the sidewalk zone (y >= 0.45)
VENDOR = Obj("person", (780.0, 430.0, 830.0, 590.0))  # feet beside the stall
BUYERS = [Obj("person", (560.0, 440.0, 600.0, 600.0)), Obj("person", (700.0, 450.0, 740.0, 610.0))]
FAR_AWAY = Obj("person", (100.0, 400.0, 140.0, 560.0))  # on the sidewalk, nowhere near the stall
DOORWAY = (40.0, 470.0, 200.0, 560.0)  # a shop's display in its doorway (anchor x 0.094)


def shift(box: tuple[float, float, float, float], dx: float) -> tuple[float, float, float, float]:
    return (box[0] + dx, box[1], box[2] + dx, box[3])


def zone(**extra: object) -> VendingWatchZone:
    fields: dict[str, object] = {
        "name": "sidewalk",
        "kind": "vending_watch",
        "polygon": [(0.02, 0.45), (0.98, 0.45), (0.98, 0.98), (0.02, 0.98)],
        "persistence_seconds": PERSIST,
        "active_hours": ["07:00-20:00"],
        "exclusions": [[(0.02, 0.6), (0.2, 0.6), (0.2, 0.9), (0.02, 0.9)]],
    }
    fields.update(extra)
    return VendingWatchZone.model_validate(fields)


def vending(t: float) -> list[Obj]:
    return [Obj("vending_stall", STALL), VENDOR]


def busy(t: float) -> list[Obj]:
    return [Obj("vending_stall", STALL), VENDOR, *BUYERS, FAR_AWAY]


def shoppers_with_bags(t: float) -> list[Obj]:
    """People walking along the sidewalk with bags: people only, no stall."""
    return [Obj("person", shift(VENDOR.box, dx=-40 * t)), Obj("person", shift(BUYERS[0].box, dx=35 * t))]


def bare_tricycle(t: float) -> list[Obj]:
    """A parked tricycle without goods is no stall; nor would it be attended if taken for one."""
    return [Obj("vending_stall", STALL, score=0.3), FAR_AWAY]


def doorway_display(t: float) -> list[Obj]:
    return [Obj("vending_stall", DOORWAY), Obj("person", (210.0, 420.0, 250.0, 570.0))]


def delivery(seconds: float) -> Callable[[float], list[Obj]]:
    """A tricycle of cartons unloaded by its rider for `seconds`, then gone."""
    return lambda t: vending(t) if t < seconds else []


def riding(t: float) -> list[Obj]:
    """A vendor's tricycle ridden along the road edge, its rider on it: never standing."""
    return [Obj("vending_stall", shift(STALL, dx=-60 * t)), Obj("person", shift(VENDOR.box, dx=-60 * t))]


def vendor_steps_away(gap_from: float, gap_to: float) -> Callable[[float], list[Obj]]:
    return lambda t: [Obj("vending_stall", STALL)] if gap_from <= t < gap_to else vending(t)


@pytest.mark.parametrize(
    ("case", "start", "seconds", "scene", "expected"),
    [
        ("attended stall just under the persistence time", at("10:00"), PERSIST - 0.5, vending, 0),
        ("attended stall at the persistence time", at("10:00"), PERSIST, vending, 1),
        ("people walking with bags", at("10:00"), 120, shoppers_with_bags, 0),
        ("a tricycle without goods, nobody at it", at("10:00"), 120, bare_tricycle, 0),
        ("a shop's own display in its doorway", at("10:00"), 120, doorway_display, 0),
        ("a delivery unloaded in less than the persistence time", at("10:00"), 120, delivery(PERSIST - 5), 0),
        ("a delivery that stays is vending", at("10:00"), 120, delivery(PERSIST + 5), 1),
        ("a tricycle ridden past", at("10:00"), 120, riding, 0),
        ("outside active hours", at("20:30"), 120, vending, 0),
        ("active hours end mid-episode", at("19:59", 50), 60, vending, 0),
        ("the vendor steps away briefly", at("10:00"), PERSIST + 0.5, vendor_steps_away(5, 15), 1),
        ("one violation per episode", at("10:00"), 600, vending, 1),
    ],
)
def test_street_vending_boundaries(case: str, start, seconds: float, scene, expected: int) -> None:  # noqa: ANN001
    violations = run(StreetVendingRule(zone(), TZ), start, seconds, scene)
    assert len(violations) == expected, case


def test_a_second_box_beside_a_reported_stall_is_the_same_case() -> None:
    """The detector boxes goods set down beside the stall as a second stall from t = 8 s (overlapping,
    not nested, its anchor within the move tolerance): the stall's case is reported once, not again
    when the second box's episode reaches the persistence time."""

    def goods_beside(t: float) -> list[Obj]:
        return vending(t) + ([Obj("vending_stall", shift(STALL, dx=60))] if t >= 8 else [])

    [case] = run(StreetVendingRule(zone(), TZ), at("10:00"), 8 + PERSIST + 10, goods_beside)
    assert case.first_seen_at == at("10:00")


def test_unattended_for_longer_than_the_gap_restarts_the_clock() -> None:
    z = zone(max_gap_seconds=10)
    scene = vendor_steps_away(5, 5 + 12)
    assert run(StreetVendingRule(z, TZ), at("10:00"), 17 + PERSIST - 0.5, scene) == []
    assert len(run(StreetVendingRule(z, TZ), at("10:00"), 17 + PERSIST, scene)) == 1


def test_violation_counts_people_at_the_stall_and_marks_only_the_stall() -> None:
    start = at("10:00")
    [violation] = run(StreetVendingRule(zone(), TZ), start, PERSIST + 5, busy)
    assert violation.violation_type == "street_vending" and violation.object_label == "vending_stall"
    assert violation.details.people_count == 3  # the vendor and two buyers; not the person far away
    assert [p.role for p in violation.photos] == ["start", "persisted"]
    assert violation.photos[0].frame.captured_at == start == violation.first_seen_at
    assert violation.confirmed_at == at("10:00", PERSIST)
    assert all(m.label == "vending_stall" for p in violation.photos for m in p.marks)  # no person marks
    assert violation.plate is None and violation.track_id is None
    assert violation.episode_key == "cam-1:sidewalk:street_vending:20260501T020000Z@0.531,0.806"


def test_min_people_two_needs_a_buyer() -> None:
    assert run(StreetVendingRule(zone(min_people=2), TZ), at("10:00"), 60, vending) == []
    assert len(run(StreetVendingRule(zone(min_people=2), TZ), at("10:00"), 60, busy)) == 1


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"exclusions": [[(0.1, 0.1), (0.2, 0.1)]]}, "exclusion 0 needs at least 3 points"),
        ({"exclusions": [[(0.1, 0.1), (1.2, 0.1), (0.2, 0.3)]]}, "exclusion 0 point 1 (1.2, 0.1) is outside"),
        ({"persistence_seconds": 0}, "persistence_seconds"),
        ({"min_people": 0}, "min_people"),
        ({"dwell_seconds": 5}, "dwell_seconds"),
    ],
)
def test_zone_rejects_bad_parameters(extra: dict[str, object], error: str) -> None:
    with pytest.raises(ValidationError, match=error.replace("(", r"\(").replace(")", r"\)")):
        zone(**extra)


GOODS_ONLY = (600.0, 495.0, 680.0, 520.0)  # the detector boxed the goods on top, not the whole tricycle
BEHIND = Obj("person", (680.0, 400.0, 720.0, 540.0))  # the vendor behind the stall: at both boxes


def test_nested_boxes_of_one_stall_are_one_case() -> None:
    def both(t: float) -> list[Obj]:
        return [Obj("vending_stall", STALL), Obj("vending_stall", GOODS_ONLY), BEHIND]

    def alternating(t: float) -> list[Obj]:  # whole tricycle, then only its goods, frame by frame
        return [Obj("vending_stall", STALL if int(t * 2) % 2 == 0 else GOODS_ONLY), BEHIND]

    assert len(run(StreetVendingRule(zone(), TZ), at("10:00"), PERSIST + 5, both)) == 1
    [case] = run(StreetVendingRule(zone(), TZ), at("10:00"), PERSIST + 5, alternating)
    assert case.first_seen_at == at("10:00")
