"""Scenario ground truth agrees with the zones the scenario's camera config draws."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml

from ingest.config.camera import CameraConfig
from vision.synth.street import scenarios as sc
from vision.synth.street.scene import render

REPO = Path(__file__).resolve().parents[4]


def ground_point(scenario: sc.Scenario, actor_id: str, t: float) -> tuple[float, float] | None:
    actor = next(a for a in scenario.actors if a.id == actor_id)
    pos = actor.track.at(t)
    if pos is None:
        return None
    pts, _ = scenario.layout.camera.project(np.array([[pos[0], 0.0, pos[1]]]))
    return float(pts[0, 0]) / scenario.layout.camera.width, float(pts[0, 1]) / scenario.layout.camera.height


def stationary_in_zone(scenario: sc.Scenario, actor_id: str, zone: object) -> float:
    """Longest time (s) the actor stands still with its ground point inside the zone."""
    actor = next(a for a in scenario.actors if a.id == actor_id)
    longest = 0.0
    for (t0, x0, z0), (t1, x1, z1) in zip(actor.track.keys, actor.track.keys[1:], strict=False):
        if (x0, z0) == (x1, z1):
            p = ground_point(scenario, actor_id, t0)
            if p is not None and zone.contains(*p):  # type: ignore[attr-defined]
                longest = max(longest, t1 - t0)
    return longest


@pytest.mark.parametrize("name", sc.SCENARIOS)
def test_camera_config_is_valid_and_times_fit(name: str) -> None:
    scenario = sc.build(name)
    truth = scenario.ground_truth(f"{name}.mp4")
    camera = CameraConfig.model_validate(truth["camera"])
    assert camera.source == f"file:{name}.mp4"
    for v in truth["violations"]:
        assert 0 <= v["start_s"] < v["end_s"] <= truth["duration_s"]
        assert v["start_s"] <= v["confirm_after_s"] <= v["end_s"]
        assert any(z.name == v["zone"] for z in camera.zones)
    ids = {o["id"] for o in truth["objects"]}
    assert {v["object_id"] for v in truth["violations"]} <= ids
    assert {n["object_id"] for n in truth["negatives"]} <= ids


def test_parking_truth_matches_zone_and_dwell() -> None:
    scenario = sc.build("parking")
    camera = CameraConfig.model_validate(scenario.camera)
    zone = camera.zones[0]
    (violation,) = scenario.violations
    assert violation["end_s"] - violation["start_s"] > zone.dwell_seconds
    for t in np.linspace(violation["start_s"], violation["end_s"], 5):
        assert zone.contains(*ground_point(scenario, "car-A", float(t)))
    assert stationary_in_zone(scenario, "car-A", zone) >= violation["end_s"] - violation["start_s"]
    assert 0 < stationary_in_zone(scenario, "car-B", zone) < zone.dwell_seconds
    for t in np.arange(0, scenario.duration_s, 1.0):
        assert not zone.contains(*ground_point(scenario, "car-C", float(t)))  # legal bay
    for passer in ("car-D", "car-E", "car-F", "car-G"):
        assert stationary_in_zone(scenario, passer, zone) == 0.0
    start = camera.start_time
    assert start is not None and zone.active_at(start.timetz().replace(tzinfo=None))
    # the rendered car's box (bottom centre, as a rule sees it) is in the zone while parked
    only_a = replace(scenario, actors=tuple(a for a in scenario.actors if a.id == "car-A"))
    boxes = [b for b in render(only_a.scene_at(20.0), t=20.0).boxes if b.label == "vehicle"]
    (box,) = boxes
    w, h = scenario.layout.camera.width, scenario.layout.camera.height
    assert zone.contains((box.box[0] + box.box[2]) / 2 / w, box.box[3] / h)


def test_worksite_truth_direction_and_zone() -> None:
    scenario = sc.build("worksite")
    camera = CameraConfig.model_validate(scenario.camera)
    zone = camera.zones[0]
    assert zone.exit_direction == "down"
    for v in scenario.violations:
        mid = (v["start_s"] + v["end_s"]) / 2
        assert zone.contains(*ground_point(scenario, v["object_id"], mid))
        before, after = (
            ground_point(scenario, v["object_id"], mid - 1),
            ground_point(scenario, v["object_id"], mid + 1),
        )
        assert after[1] > before[1]  # moves down the image: leaving
    enter = scenario.actors[3]
    assert enter.id == "truck-4" and enter.thing.muddy
    a, b = ground_point(scenario, "truck-4", 48.0), ground_point(scenario, "truck-4", 50.0)
    assert b[1] < a[1]  # moves up: entering
    kinds = {a.id: (a.thing.muddy, a.thing.load) for a in scenario.actors}
    assert kinds["truck-1"][0] and not kinds["truck-2"][0] and kinds["truck-2"][1] == "covered"
    assert kinds["truck-3"] == (False, "uncovered")


def test_barbecue_truth_zone_and_hours() -> None:
    night = sc.build("barbecue")
    camera = CameraConfig.model_validate(night.camera)
    zone = camera.zones[0]
    (violation,) = night.violations
    assert zone.contains(*ground_point(night, "grill-1", 10.0))
    assert not zone.contains(*ground_point(night, "grill-2", 10.0))  # behind the shop window
    assert violation["end_s"] - violation["start_s"] > zone.persistence_seconds
    assert camera.start_time is not None
    assert zone.active_at((camera.start_time + timedelta(seconds=violation["confirm_after_s"])).time())
    day = sc.build("barbecue_offhours")
    day_camera = CameraConfig.model_validate(day.camera)
    assert day.violations == []
    assert day_camera.start_time is not None
    for s in (0.0, day.duration_s):
        assert not zone.active_at((day_camera.start_time + timedelta(seconds=s)).time())
    assert zone.contains(*ground_point(day, "grill-1", 5.0))


def test_demo_cameras_in_configs_match_the_rendered_scenes() -> None:
    config = yaml.safe_load((REPO / "configs" / "cameras.yaml").read_text(encoding="utf-8"))
    cameras = {c["id"]: c for c in config["cameras"]}
    for name in ("parking", "worksite", "barbecue"):
        want = sc.build(name).camera
        got = cameras[str(want["id"])]
        assert datetime.fromisoformat(str(got["start_time"])) == datetime.fromisoformat(
            str(want["start_time"])
        )
        assert got["source"] == f"file:../demo/{name}.mp4"
        for zw, zg in zip(want["zones"], got["zones"], strict=True):  # type: ignore[arg-type]
            assert zg["name"] == zw["name"] and zg["kind"] == zw["kind"]
            assert np.allclose(zg["polygon"], zw["polygon"], atol=1e-3)
            for key in ("dwell_seconds", "persistence_seconds", "exit_direction", "active_hours"):
                if key in zw:
                    assert zg[key] == zw[key], key
