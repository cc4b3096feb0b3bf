from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.unit.vision.rules.sequences import TZ, Obj, at, run, shift
from vision.rules.mud_truck import MudTruckRule
from vision.violations.mud_truck import WorksiteExitZone

# Gate: x 0.3-0.7, y 0.35-0.75 of 1280x720 -> y 252..540 px. Trucks drive down through it at 40 px/frame.
TRUCK = (500.0, 60.0, 740.0, 220.0)  # anchor y 220: above the gate (inside the worksite)
STEP = 40.0
FRAMES = 16  # anchor ends at y 820 -> well below the gate


def zone(**extra: object) -> WorksiteExitZone:
    fields: dict[object, object] = {
        "name": "gate",
        "kind": "worksite_exit",
        "polygon": [(0.3, 0.35), (0.7, 0.35), (0.7, 0.75), (0.3, 0.75)],
        "exit_direction": "down",
        "min_evidence_frames": 3,
        "evidence_window_frames": 6,
    }
    fields.update(extra)
    return WorksiteExitZone.model_validate(fields)


def truck_at(i: int, upward: bool) -> tuple[float, ...]:
    return shift(TRUCK, dy=STEP * ((FRAMES - i) if upward else i))


def wheels(box: tuple[float, ...]) -> tuple[float, ...]:
    return (box[0] + 20, box[3] - 30, box[0] + 80, box[3] + 5)


def trail(box: tuple[float, ...]) -> tuple[float, ...]:
    return (box[0] + 40, box[1] - 120, box[2] - 40, box[1] - 10)


def load(box: tuple[float, ...]) -> tuple[float, ...]:
    return (box[0] + 10, box[1] + 5, box[2] - 10, box[1] + 50)


def scene(signs: Callable[[int], list[str]], upward: bool = False) -> Callable[[float], list[Obj]]:
    def objects(t: float) -> list[Obj]:
        i = int(round(t * 2))
        box = truck_at(i, upward)
        out = [Obj("truck", box, 3)]
        for sign in signs(i):
            if sign == "mud":
                out.append(Obj("mud", wheels(box)))
            elif sign == "trail":
                out.append(
                    Obj("mud", trail(box) if not upward else shift(trail(box), dy=box[3] - box[1] + 130))
                )
            elif sign == "load":
                out.append(Obj("uncovered_load", load(box)))
            elif sign == "far-mud":
                out.append(Obj("mud", (50.0, 650.0, 120.0, 700.0)))
        return out

    return objects


def always(*signs: str) -> Callable[[int], list[str]]:
    return lambda i: list(signs)


def on_frames(frames: set[int], sign: str = "mud") -> Callable[[int], list[str]]:
    return lambda i: [sign] if i in frames else []


# The anchor enters the gate (y >= 252) on frame 1 and leaves it (y > 540) on frame 9; signs count on
# any 6 consecutive frames from entering the gate until 6 frames after leaving it.
@pytest.mark.parametrize(
    ("case", "signs", "upward", "expected_signs"),
    [
        ("leaving with muddy wheels", always("mud"), False, ("mud",)),
        ("entering with muddy wheels", always("mud"), True, None),
        ("leaving clean", always(), False, None),
        ("leaving with an uncovered load", always("load"), False, ("uncovered_load",)),
        ("leaving with a mud trail behind", always("trail"), False, ("trail",)),
        ("mud elsewhere on the road", always("far-mud"), False, None),
        ("k of n: 3 of the last 6 frames", on_frames({5, 7, 9}), False, ("mud",)),
        ("k of n: only 2 frames", on_frames({6, 8}), False, None),
        ("k of n: 3 frames, but one before the truck entered the gate", on_frames({0, 1, 2}), False, None),
        ("k of n: 3 frames in the gate, long before the exit", on_frames({2, 3, 4}), False, ("mud",)),
        ("k of n: 3 frames, never 3 within 6", on_frames({2, 6, 10}), False, None),
        ("k of n: seen just after the exit", on_frames({9, 10, 11}), False, ("mud",)),
    ],
)
def test_mud_truck_boundaries(case: str, signs, upward: bool, expected_signs) -> None:  # noqa: ANN001
    violations = run(MudTruckRule(zone(), TZ), at("10:00"), FRAMES / 2, scene(signs, upward))
    if expected_signs is None:
        assert violations == [], case
        return
    [violation] = violations
    assert violation.details.mud_signs == expected_signs, case
    assert violation.details.direction == "down"


def test_mud_seen_only_before_the_gate_does_not_count() -> None:
    """Muddy while it waits inside the site for 8 frames, then seen clean through the gate and out."""

    def waits_then_leaves(t: float) -> list[Obj]:
        i = int(round(t * 2))
        box = truck_at(max(0, i - 8), upward=False)
        return [Obj("truck", box, 3), *([Obj("mud", wheels(box))] if i < 8 else [])]

    assert run(MudTruckRule(zone(), TZ), at("10:00"), FRAMES / 2 + 4, waits_then_leaves) == []


def test_outside_active_hours_is_not_reported() -> None:
    rule = MudTruckRule(zone(active_hours=["20:00-06:00"]), TZ)
    assert run(rule, at("10:00"), FRAMES / 2, scene(always("mud"))) == []
    rule = MudTruckRule(zone(active_hours=["20:00-06:00"]), TZ)
    assert len(run(rule, at("22:00"), FRAMES / 2, scene(always("mud")))) == 1


def test_exit_to_the_left() -> None:
    def leftward(t: float) -> list[Obj]:
        i = int(round(t * 2))
        box = (700.0 - 50 * i, 400.0, 900.0 - 50 * i, 520.0)
        return [Obj("truck", box, 1), Obj("mud", wheels(box))]

    rule = MudTruckRule(zone(exit_direction="left"), TZ)
    [violation] = run(rule, at("10:00"), 10, leftward)
    assert violation.details.direction == "left"
    rule = MudTruckRule(zone(exit_direction="right"), TZ)
    assert run(rule, at("10:00"), 10, leftward) == []


def test_violation_record() -> None:
    start = at("10:00")
    [violation] = run(MudTruckRule(zone(), TZ), start, FRAMES / 2, scene(always("mud", "load")))
    assert violation.violation_type == "mud_truck"
    assert violation.object_label == "truck" and violation.track_id == 3
    assert violation.details.mud_signs == ("mud", "uncovered_load")
    roles = [p.role for p in violation.photos]
    assert "exit" in roles and roles.count("evidence") == 2
    exit_photo = next(p for p in violation.photos if p.role == "exit")
    assert exit_photo.frame.index == 9
    evidence_labels = {m.label for p in violation.photos if p.role == "evidence" for m in p.marks}
    assert evidence_labels == {"truck", "mud", "uncovered_load"}
    assert violation.first_seen_at > start  # when it entered the gate, not when first seen in the site
    assert violation.episode_key.startswith("cam-1:gate:mud_truck:track-3:")


def test_zone_reaching_the_image_edge_counts_leaving_the_frame() -> None:
    """Gate drawn down to the bottom edge: the truck leaves the frame before it leaves the zone."""
    to_edge = zone(polygon=[(0.3, 0.35), (0.7, 0.35), (0.7, 1.0), (0.3, 1.0)])

    def into_the_edge(t: float) -> list[Obj]:
        i = min(int(round(t * 2)), 9)  # the box bottom reaches the image edge (y 719) and stays clipped
        box = (500.0, 260.0 + 40 * i, 740.0, min(400.0 + 40 * i, 719.0))
        return [Obj("truck", box, 5), Obj("mud", wheels(box))]

    [violation] = run(MudTruckRule(to_edge, TZ), at("10:00"), 8, into_the_edge)
    assert violation.details.direction == "down"

    def from_the_edge(t: float) -> list[Obj]:  # the same truck driving in (up) from the bottom edge
        return into_the_edge(max(0.0, 4.5 - t))

    assert run(MudTruckRule(to_edge, TZ), at("10:00"), 8, from_the_edge) == []


@pytest.mark.parametrize(
    ("sign", "expected_signs"), [("mud", None), ("trail", None), ("load", ("uncovered_load",))]
)
def test_signs_seen_only_while_the_truck_runs_into_the_bottom_edge(sign: str, expected_signs) -> None:  # noqa: ANN001
    """Close to the camera the box is cut by the image bottom: its lower part is the middle of the
    truck's side, so mud there is not evidence; a load on top still is."""
    to_edge = zone(polygon=[(0.3, 0.35), (0.7, 0.35), (0.7, 1.0), (0.3, 1.0)])

    def cut_off_at_the_end(t: float) -> list[Obj]:
        i = min(int(round(t * 2)), 9)  # the bottom reaches the image edge on frame 8 and stays clipped
        box = (500.0, 260.0 + 40 * i, 740.0, min(400.0 + 40 * i, 719.0))
        signs = {
            "mud": Obj("mud", wheels(box)),
            "trail": Obj("mud", trail(box)),
            "load": Obj("uncovered_load", load(box)),
        }
        return [Obj("truck", box, 5), *([signs[sign]] if box[3] >= 719.0 else [])]

    violations = run(MudTruckRule(to_edge, TZ), at("10:00"), 8, cut_off_at_the_end)
    if expected_signs is None:
        assert violations == []
    else:
        [violation] = violations
        assert violation.details.mud_signs == expected_signs


def handed_over(swap: bool) -> Callable[[float], list[Obj]]:
    """A muddy truck drives through the gate; at frame 7 the tracker gives its id to a clean white
    truck (when `swap`) that goes on out of the gate in its place."""
    muddy = scene(lambda i: ["mud"] if i < 7 else [])

    def objects(t: float) -> list[Obj]:
        out = muddy(t)
        if swap and int(round(t * 2)) >= 7:
            out = [Obj("truck", o.box, 3, look=1) if o.label == "truck" else o for o in out]
        return out

    return objects


def test_a_case_is_one_truck_when_the_tracker_hands_its_id_over() -> None:
    assert len(run(MudTruckRule(zone(), TZ), at("10:00"), FRAMES / 2, handed_over(swap=False))) == 1
    assert run(MudTruckRule(zone(), TZ), at("10:00"), FRAMES / 2, handed_over(swap=True)) == []
