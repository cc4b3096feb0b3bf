"""Synthetic street trade: the generator labels vendors with goods `vending_stall` and nothing else
of the trade; the vending scenarios' ground truth is what the rule finds on the rendered labels."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from domain.types import Detections, Frame
from vision.rules.street_vending import StreetVendingRule
from vision.synth.street.actors import Person
from vision.synth.street.scene import Conditions, StreetScene, render, render_background, sample_scene
from vision.synth.street.vending import Shopper, Vendor
from vision.synth.street.vending_dataset import STREET_V3_NAMES, render_vending_sample
from vision.synth.street.vending_scenarios import BUILDERS, vending
from vision.violations.street_vending import VendingWatchZone

STALL_ID = STREET_V3_NAMES.index("vending_stall")


def test_street_v3_names_keep_street_v2_ids() -> None:
    assert STREET_V3_NAMES[:9] == (
        "vehicle", "truck", "person", "license_plate", "mud", "uncovered_load", "smoke", "grill", "fire"
    )
    assert STALL_ID == 9


def test_vending_samples_carry_the_new_label_inside_the_image() -> None:
    stalls = 0
    for seed in range(4):
        image, labels = render_vending_sample(seed)
        h, w = image.shape[:2]
        for label in labels:
            x1, y1, x2, y2 = label.box
            assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h
            assert 0 <= label.class_id < len(STREET_V3_NAMES)
        stalls += sum(label.class_id == STALL_ID for label in labels)
    assert stalls >= 2


def test_scenes_without_vending_are_unchanged_by_it() -> None:
    plain = sample_scene(3)
    assert plain.trade == ()
    assert sample_scene(3, vending=True).cars == plain.cars


def _scene(*trade: Vendor | Shopper) -> StreetScene:
    return StreetScene(vending().layout, trade=trade, conditions=Conditions(noise_sigma=0.0, jpeg_quality=None))


@pytest.mark.parametrize(
    ("style", "goods", "labelled"),
    [
        ("tricycle", "produce", True),
        ("tricycle", "none", False),
        ("cart", "wares", True),
        ("cart", "none", False),
        ("stall", "wares", True),
        ("mat", "produce", True),
        ("tricycle", "cartons", True),
    ],
)
def test_goods_make_the_stall(style: str, goods: str, labelled: bool) -> None:
    """A vendor with goods is one `vending_stall` box over the pixels it drew; a bare one draws
    pixels but gets no box."""
    lay = vending().layout
    background = render_background(lay, 0).image
    vendor = Vendor(lay.road_left - 1.5, 9.0, style, goods, (40, 110, 40), seed=5)  # type: ignore[arg-type]
    result = render(_scene(vendor), frame_seed=0, background=render_background(lay, 0))
    changed = np.abs(result.image.astype(int) - background.astype(int)).sum(axis=2) > 40
    assert changed.sum() > 200
    boxes = [b for b in result.boxes if b.label == "vending_stall"]
    assert len(boxes) == (1 if labelled else 0)
    if labelled:
        x1, y1, x2, y2 = (int(v) for v in boxes[0].box)
        ys, xs = np.nonzero(changed)
        inside = (xs >= x1 - 2) & (xs <= x2 + 2) & (ys >= y1 - 2) & (ys <= y2 + 2)
        assert inside.mean() > 0.9


def test_a_shopper_with_a_bag_is_one_person() -> None:
    lay = vending().layout
    person = Person(lay.road_left - 2.0, 10.0, 1.7, (40, 120, 200), (50, 40, 30), 0.3)
    result = render(_scene(Shopper(person, (230, 230, 230))), frame_seed=0)
    assert [b.label for b in result.boxes] == ["person"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_rule_on_rendered_labels_finds_exactly_the_scenario_violations(name: str) -> None:
    """Perfect detections (the renderer's own boxes) at 2 fps: the rule reports the scenario's
    violations, at or after their earliest confirmation, with their people counts, and nothing else."""
    scenario = BUILDERS[name](0, 2)
    camera = scenario.camera
    zone = VendingWatchZone.model_validate(camera["zones"][0])  # type: ignore[index]
    rule = StreetVendingRule(zone, ZoneInfo(str(camera["timezone"])))
    start = datetime.fromisoformat(str(camera["start_time"]))
    background = render_background(scenario.layout, scenario.seed)
    found = []
    for i in range(scenario.frames):
        t = i / scenario.fps
        result = render(scenario.scene_at(t), t=t, frame_seed=i, background=background)
        boxes = np.array([b.box for b in result.boxes], np.float32).reshape(-1, 4)
        detections = Detections(boxes, np.ones(len(boxes), np.float32), tuple(b.label for b in result.boxes))
        for v in rule.update(Frame("cam", i, start + timedelta(seconds=t), result.image), detections):
            found.append(((v.first_seen_at - start).total_seconds(), (v.confirmed_at - start).total_seconds(), v))
    truth = scenario.violations
    expected = sorted((float(v["start_s"]), float(v["confirm_after_s"]), v["people"]) for v in truth)  # type: ignore[arg-type]
    assert len(found) == len(expected)
    found.sort(key=lambda f: f[0])
    for (first, confirmed, v), (start_s, confirm_s, people) in zip(found, expected, strict=True):
        assert abs(first - start_s) <= 0.5 and confirm_s <= confirmed <= confirm_s + 1.0
        assert v.details.people_count == people
