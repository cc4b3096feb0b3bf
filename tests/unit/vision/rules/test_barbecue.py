from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.unit.vision.rules.sequences import TZ, Obj, at, run
from vision.rules.barbecue import BarbecueRule
from vision.violations.barbecue import BarbecueWatchZone

PERSIST = 15.0
GRILL = (600.0, 500.0, 720.0, 580.0)  # anchor y 0.81: in the sidewalk zone (y >= 0.45)
SMOKE = (590.0, 380.0, 730.0, 500.0)  # rising from the grill
FIRE = (620.0, 470.0, 700.0, 510.0)
GRILL_OUTSIDE = (600.0, 150.0, 720.0, 230.0)  # anchor y 0.32: above the zone
SMOKE_ASIDE = (100.0, 100.0, 200.0, 200.0)  # smoke nowhere near the grill
PEOPLE = [Obj("person", (400.0, 420.0, 460.0, 600.0)), Obj("person", (760.0, 420.0, 820.0, 610.0))]
PERSON_OUTSIDE = Obj("person", (100.0, 100.0, 150.0, 300.0))


def zone(**extra: object) -> BarbecueWatchZone:
    fields: dict[object, object] = {
        "name": "sidewalk",
        "kind": "barbecue_watch",
        "polygon": [(0.02, 0.45), (0.98, 0.45), (0.98, 0.98), (0.02, 0.98)],
        "persistence_seconds": PERSIST,
        "active_hours": ["18:00-02:00"],
    }
    fields.update(extra)
    return BarbecueWatchZone.model_validate(fields)


def burning(t: float) -> list[Obj]:
    return [Obj("grill", GRILL), Obj("smoke", SMOKE), *PEOPLE, PERSON_OUTSIDE]


def flaming(t: float) -> list[Obj]:
    return [Obj("grill", GRILL), Obj("fire", FIRE)]


def cold_grill(t: float) -> list[Obj]:
    return [Obj("grill", GRILL), *PEOPLE]


def smoke_only(t: float) -> list[Obj]:
    return [Obj("smoke", SMOKE)]


def smoke_elsewhere(t: float) -> list[Obj]:
    return [Obj("grill", GRILL), Obj("smoke", SMOKE_ASIDE)]


def grill_outside(t: float) -> list[Obj]:
    return [Obj("grill", GRILL_OUTSIDE), Obj("smoke", SMOKE)]


def gaps(gap_from: float, gap_to: float) -> Callable[[float], list[Obj]]:
    return lambda t: [] if gap_from <= t < gap_to else burning(t)


@pytest.mark.parametrize(
    ("case", "start", "seconds", "scene", "expected"),
    [
        ("persists just under the minimum", at("20:30"), PERSIST, burning, 0),
        ("persists just over the minimum", at("20:30"), PERSIST + 0.5, burning, 1),
        ("flame instead of smoke", at("20:30"), PERSIST + 0.5, flaming, 1),
        ("a grill without smoke", at("20:30"), 60, cold_grill, 0),
        ("smoke without a grill", at("20:30"), 60, smoke_only, 0),
        ("smoke not from the grill", at("20:30"), 60, smoke_elsewhere, 0),
        ("grill outside the zone", at("20:30"), 60, grill_outside, 0),
        ("outside active hours", at("12:00"), 60, burning, 0),
        ("active hours wrap past midnight", at("01:30"), 30, burning, 1),
        ("smoke drifts off for a few seconds", at("20:30"), PERSIST + 0.5, gaps(5, 10), 1),
        ("smoke stops for long: the clock restarts", at("20:30"), 10 + 30 + PERSIST, gaps(10, 40), 0),
        ("one violation per episode", at("20:30"), 600, burning, 1),
        ("a second episode after a long pause", at("20:30"), 60 + 30 + PERSIST + 0.5, gaps(60, 90), 2),
    ],
)
def test_barbecue_boundaries(case: str, start, seconds: float, scene, expected: int) -> None:  # noqa: ANN001
    violations = run(BarbecueRule(zone(), TZ), start, seconds, scene)
    assert len(violations) == expected, case


def test_violation_counts_people_and_has_start_and_persisted_photos() -> None:
    start = at("20:30")
    [violation] = run(BarbecueRule(zone(), TZ), start, 30, burning)
    assert violation.violation_type == "open_barbecue" and violation.object_label == "grill"
    assert violation.details.people_count == 2  # the person outside the zone is not counted
    assert [p.role for p in violation.photos] == ["start", "persisted"]
    assert violation.photos[0].frame.captured_at == start == violation.first_seen_at
    assert {m.label for m in violation.photos[1].marks} == {"grill", "smoke"}  # no person crops or marks
    assert violation.track_id is None
    assert violation.episode_key == "cam-1:sidewalk:open_barbecue:20260501T123000Z@0.516,0.806"


GRILL_B = (200.0, 520.0, 320.0, 600.0)  # a second stall further along the sidewalk
SMOKE_B = (190.0, 400.0, 330.0, 520.0)


def two_stalls(t: float) -> list[Obj]:
    """Stall A burns for 10 s and stops; stall B lights up at 8 s and keeps burning."""
    a = [Obj("grill", GRILL), Obj("smoke", SMOKE)] if t < 10 else [Obj("grill", GRILL)]
    b = [Obj("grill", GRILL_B), Obj("smoke", SMOKE_B)] if t >= 8 else []
    return a + b


def test_a_case_is_one_stall() -> None:
    """Two stalls that burn one after the other are not one long barbecue: the case is stall B's,
    from when B lit up, and its photos show B only."""
    start = at("20:30")
    [violation] = run(BarbecueRule(zone(), TZ), start, 8 + PERSIST + 0.5, two_stalls)
    assert violation.first_seen_at == at("20:30", 8)
    for shot in violation.photos:
        assert [m.box for m in shot.marks if m.label == "grill"] == [GRILL_B]
    assert run(BarbecueRule(zone(), TZ), start, 8 + PERSIST - 0.5, two_stalls) == []


def test_two_stalls_burning_together_are_two_cases() -> None:
    def both(t: float) -> list[Obj]:
        return [Obj("grill", GRILL), Obj("smoke", SMOKE), Obj("grill", GRILL_B), Obj("smoke", SMOKE_B)]

    violations = run(BarbecueRule(zone(), TZ), at("20:30"), PERSIST + 0.5, both)
    assert len(violations) == 2 and len({v.episode_key for v in violations}) == 2
