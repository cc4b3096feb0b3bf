"""Scenario videos with ground truth: each renders one short clip (H.264 MP4) and a JSON timeline.

Scenarios (all cases of one violation type share a clip, so one camera config covers them):

- ``parking``: a car parks in the no-parking zone beyond the dwell limit (violation); a car stops
  there for less than the dwell; a car parks in a legal, white-lined bay; cars pass through.
- ``worksite``: trucks come out of the worksite gate towards the camera (leaving = moving down in
  the image): muddy (violation, with a mud trail), clean and covered, clean but uncovered
  (violation); a muddy truck driving in (entering: not a violation).
- ``barbecue``: at night, in active hours, a grill with flame and smoke on the sidewalk inside the
  watch zone (violation) and a grill cooking behind a shop window (outside the zone: none).
- ``barbecue_offhours``: the same stall by day, outside the zone's active hours (none).
- ``parking_dense_traffic``, ``parking_stop_and_go``, ``parking_lookalike_swap``,
  ``parking_occluded``, ``parking_curb_row``: scenes where one vehicle's stay could pass to another, a
  parked car is hidden by traffic, or parked cars stand nose to tail, each partly hiding the one behind
  (`vision.synth.street.parking_scenarios`).

Ground-truth JSON (``<name>.json`` beside ``<name>.mp4``)::

    {
      "format": "enforce-street-scenario/1",
      "scenario": "parking", "seed": 0, "video": "parking.mp4",
      "fps": 10, "frames": 560, "duration_s": 56.0, "width": 1280, "height": 720,
      "camera": {...},            # a CameraConfig (ingest.config) for the clip: id, source (file:<video>),
                                  # timezone, start_time (wall clock of frame 0), analysis_fps, location,
                                  # detectors, zones (normalised polygons; dwell_seconds /
                                  # persistence_seconds / exit_direction / active_hours)
      "objects": [                # every scripted thing, violating or not
        {"id": "car-A", "label": "vehicle", "plate": "浙A12345", "role": "parked_beyond_dwell",
         "first_s": 2.0, "last_s": 47.0}
      ],
      "violations": [             # what a correct pipeline reports, one per episode
        {"type": "illegal_parking",     # illegal_parking | mud_truck | open_barbecue
         "object_id": "car-A", "zone": "curb-east", "plate": "浙A12345",   # plate null for barbecue
         "start_s": 10.0,               # behaviour starts: stopped in zone / enters exit zone / fire lit
         "end_s": 44.0,                 # behaviour ends: drives off / leaves zone / clip ends
         "confirm_after_s": 30.0,       # earliest time a rule may confirm (start + dwell or persistence)
         "signs": ["mud", "trail"],     # mud_truck only: what shows (mud, uncovered_load, trail)
         "people": 4}                   # open_barbecue only: people at the stall (cook and customers)
      ],
      "negatives": [              # scripted look-alikes that must NOT be reported, with why
        {"object_id": "car-B", "reason": "stopped 10 s, shorter than the 20 s dwell"}
      ]
    }

Times are seconds from the first frame; frame i is captured at start_time + i / fps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vision.synth.common.rng import make_rng
from vision.synth.common.video import write_mp4
from vision.synth.street import parking_scenarios, vending_scenarios
from vision.synth.street.actors import Person, Stall, Truck
from vision.synth.street.camera import PoleCamera
from vision.synth.street.layout import Shop, StreetLayout
from vision.synth.street.plates import random_plate
from vision.synth.street.scene import RenderResult, Table, WindowOverlay, render, render_background
from vision.synth.street.script import (
    FORMAT,
    Actor,
    Scenario,
    Track,
    ground_zone,
    location,
    make_car,
    shop_row,
)

SCENARIOS = (
    "parking",
    "worksite",
    "barbecue",
    "barbecue_offhours",
    *parking_scenarios.BUILDERS,
    *vending_scenarios.BUILDERS,
)
WIDTH, HEIGHT = 1280, 720
__all__ = ["FORMAT", "SCENARIOS", "Actor", "Scenario", "Track", "build", "frames", "ground_zone", "write"]


# ---- the scenarios -------------------------------------------------------------------------------


def parking(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-parking")
    cam = PoleCamera(1920, 1080, mount_height=6.0, tilt_deg=11.0, hfov_deg=34.0, x=-9.5, yaw_deg=8.0)
    lay = StreetLayout(
        cam,
        lanes=4,
        lane_width=3.5,
        sidewalk_left=4.0,
        sidewalk_right=4.0,
        shops=shop_row(rng, ["兴旺超市", "大药房", "面包房", "五金建材", "水果店", "理发店"]),
        no_parking=((-1, 13.0, 31.0),),
        gate=None,
        gate_across_z=None,
        lights=((-1, 50.0), (1, 25.0), (1, 55.0)),
        time_of_day="day",
        weather="clear",
        asphalt=(80, 82, 86),
        sidewalk=(150, 160, 165),
        parking_bays=((-1, 35.0, 47.0),),
    )
    curb, lane_out, lane_in = -5.9, -5.25, -1.75
    dwell = 20.0
    a = make_car(rng, "sedan", (40, 40, 170))
    b = make_car(rng, "suv", (240, 240, 240), green=True)
    c = make_car(rng, "hatchback", (20, 20, 20))
    d = make_car(rng, "sedan", (160, 160, 165))
    e = make_car(rng, "van", (150, 80, 20))
    f = replace(make_car(rng, "suv", (30, 120, 200)), heading_deg=0.0)
    g = make_car(rng, "sedan", (240, 240, 240))
    actors = (
        Actor("car-D", d, Track(((0.0, lane_out, 62.0), (6.0, lane_out, 2.0))), "passing_through"),
        Actor(
            "car-A",
            a,
            Track(
                (
                    (2.0, lane_out, 90.0),
                    (8.0, lane_out, 27.0),
                    (10.0, curb, 19.5),
                    (44.0, curb, 19.5),
                    (46.0, lane_out, 12.0),
                    (47.5, lane_out, 2.0),
                )
            ),
            "parked_beyond_dwell",
        ),
        Actor(
            "car-B",
            b,
            Track(
                (
                    (13.0, lane_out, 90.0),
                    (18.5, lane_out, 34.0),
                    (20.0, curb, 27.0),
                    (30.0, curb, 27.0),
                    (32.0, lane_in + 0.3, 20.0),
                    (34.0, lane_in, 2.0),
                )
            ),
            "stopped_shorter_than_dwell",
        ),
        Actor("car-C", c, Track(((0.0, curb, 40.0), (56.0, curb, 40.0))), "parked_in_legal_bay"),
        Actor("car-E", e, Track(((24.0, lane_in, 80.0), (32.0, lane_in, 2.0))), "passing_through"),
        Actor("car-F", f, Track(((5.0, 5.25, 3.0), (13.0, 5.25, 90.0))), "passing_through"),
        Actor("car-G", g, Track(((48.0, lane_out, 70.0), (55.0, lane_out, 2.0))), "passing_through"),
        Actor(
            "person-1",
            Person(0, 0, 1.7, (40, 120, 200), (50, 40, 30), 0.0),
            Track(((0.0, -8.5, 30.0), (56.0, -8.0, 8.0))),
            "pedestrian",
        ),
    )
    zone_name = "curb-east"
    camera = {
        "id": "demo-parking",
        "name": "人民路 no-parking stretch (demo)",
        "source": "file:parking.mp4",
        "timezone": "Asia/Shanghai",
        "start_time": "2026-05-01T09:00:00+08:00",
        "analysis_fps": 2,
        "location": location(
            "人民路 128号 东侧", "330102001003", "上城区城管执法队 一中队", 30.27415, 120.15515
        ),
        "detectors": ["street-v2"],
        "zones": [
            {
                "name": zone_name,
                "kind": "no_parking",
                "polygon": ground_zone(cam, -7.0, -3.8, 12.5, 31.5),
                "dwell_seconds": dwell,
                "photo_interval_seconds": 10,
                "active_hours": ["07:00-22:00"],
            }
        ],
    }
    violations: list[dict[str, object]] = [
        {
            "type": "illegal_parking",
            "object_id": "car-A",
            "zone": zone_name,
            "plate": a.plate.text,
            "start_s": 10.0,
            "end_s": 44.0,
            "confirm_after_s": 10.0 + dwell,
        },
    ]
    negatives: list[dict[str, object]] = [
        {"object_id": "car-B", "reason": "stopped 10 s in the zone, shorter than the 20 s dwell"},
        {"object_id": "car-C", "reason": "parked in a legal bay outside the zone"},
        {"object_id": "car-D", "reason": "drove through the zone without stopping"},
        {"object_id": "car-E", "reason": "drove past in the inner lane"},
        {"object_id": "car-F", "reason": "drove away on the far side"},
        {"object_id": "car-G", "reason": "drove through the zone without stopping"},
    ]
    return Scenario("parking", seed, lay, actors, 56.0, camera, violations, negatives, fps)


def worksite(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-worksite")
    cam = PoleCamera(WIDTH, HEIGHT, mount_height=6.0, tilt_deg=16.0, hfov_deg=52.0, x=-4.5, yaw_deg=6.0)
    lay = StreetLayout(
        cam,
        lanes=2,
        lane_width=3.6,
        sidewalk_left=3.0,
        sidewalk_right=3.0,
        shops=shop_row(rng, ["五金建材", "快递驿站", "早餐店", "烟酒茶"]),
        no_parking=(),
        gate=None,
        gate_across_z=34.0,
        lights=((1, 40.0),),
        time_of_day="day",
        weather="clear",
        asphalt=(85, 88, 92),
        sidewalk=(150, 155, 160),
    )
    lane = 0.0

    def truck(muddy: bool, load: str, colour: tuple[int, int, int]) -> Truck:
        return Truck(
            0.0,
            0.0,
            180.0,
            "dump",
            colour,
            (40, 140, 210),
            random_plate(rng, "yellow"),
            load=load,  # type: ignore[arg-type]
            muddy=muddy,
            mud_seed=int(rng.integers(0, 2**31)),
            plate_clear=True,
        )

    t1 = truck(True, "covered", (30, 160, 230))
    t2 = truck(False, "covered", (40, 120, 40))
    t3 = truck(False, "uncovered", (200, 200, 200))
    t4 = truck(True, "uncovered", (40, 40, 180))

    def leaving(t0: float) -> Track:
        return Track(((t0, lane, 40.0), (t0 + 13.0, lane, 3.0)))

    actors = (
        Actor("truck-1", t1, leaving(1.0), "leaving_muddy"),
        Actor("truck-2", t2, leaving(15.0), "leaving_clean_covered"),
        Actor("truck-3", t3, leaving(29.0), "leaving_uncovered"),
        Actor("truck-4", t4, Track(((43.0, lane, 3.0), (56.0, lane, 40.0))), "entering_muddy"),
    )
    zone_name = "gate"
    z_in, z_out = 8.0, 31.0

    def in_zone(t0: float) -> tuple[float, float]:
        # leaving track: z = 40 - (t - t0) * 37 / 13; the truck's centre is in the zone for z in [z_in, z_out]
        speed = 37.0 / 13.0
        return round(t0 + (40.0 - z_out) / speed, 1), round(t0 + (40.0 - z_in) / speed, 1)

    s1, e1 = in_zone(1.0)
    s3, e3 = in_zone(29.0)
    camera = {
        "id": "demo-worksite",
        "name": "滨江工地 north exit (demo)",
        "source": "file:worksite.mp4",
        "timezone": "Asia/Shanghai",
        "start_time": "2026-05-01T10:00:00+08:00",
        "analysis_fps": 4,
        "location": location(
            "江南大道 工地北门", "330108002011", "滨江区城管执法队 渣土中队", 30.20811, 120.21092
        ),
        "detectors": ["street-v2"],
        "zones": [
            {
                "name": zone_name,
                "kind": "worksite_exit",
                "polygon": ground_zone(cam, -3.6, 3.6, z_in, z_out),
                "exit_direction": "down",
                "min_evidence_frames": 3,
                "evidence_window_frames": 6,
            }
        ],
    }
    violations: list[dict[str, object]] = [
        {
            "type": "mud_truck",
            "object_id": "truck-1",
            "zone": zone_name,
            "plate": t1.plate.text,
            "start_s": s1,
            "end_s": e1,
            "confirm_after_s": s1,
            "signs": ["mud", "trail"],
        },
        {
            "type": "mud_truck",
            "object_id": "truck-3",
            "zone": zone_name,
            "plate": t3.plate.text,
            "start_s": s3,
            "end_s": e3,
            "confirm_after_s": s3,
            "signs": ["uncovered_load"],
        },
    ]
    negatives: list[dict[str, object]] = [
        {"object_id": "truck-2", "reason": "left clean with the load covered"},
        {
            "object_id": "truck-4",
            "reason": "muddy and uncovered but entering the worksite (moving up), not leaving",
        },
    ]
    return Scenario("worksite", seed, lay, actors, 57.0, camera, violations, negatives, fps)


def _barbecue_layout(rng: np.random.Generator, night: bool) -> tuple[StreetLayout, Shop]:
    cam = PoleCamera(WIDTH, HEIGHT, mount_height=4.5, tilt_deg=20.0, hfov_deg=60.0, x=-4.5, yaw_deg=-5.0)
    shops = list(shop_row(rng, ["小吃店", "兰州拉面", "烟酒茶", "老王烧烤", "便利店", "川菜馆"], 7.0))
    indoor = next(s for s in shops if s.side < 0 and s.z0 <= 31.0 < s.z1)
    lay = StreetLayout(
        cam,
        lanes=2,
        lane_width=3.5,
        sidewalk_left=6.5,
        sidewalk_right=3.5,
        shops=tuple(shops),
        no_parking=(),
        gate=None,
        gate_across_z=None,
        lights=((-1, 8.0), (-1, 34.0), (1, 20.0)),
        time_of_day="night" if night else "day",
        weather="clear",
        asphalt=(70, 72, 76),
        sidewalk=(140, 150, 160),
    )
    return lay, indoor


def _barbecue_camera(cam: PoleCamera, start_time: str) -> dict[str, object]:
    return {
        "id": "demo-barbecue",
        "name": "夜市 corner (demo)",
        "source": "file:barbecue.mp4",
        "timezone": "Asia/Shanghai",
        "start_time": start_time,
        "analysis_fps": 2,
        "location": location(
            "河坊街 与 中河路 交叉口", "330102004007", "上城区城管执法队 二中队", 30.25961, 120.16422
        ),
        "detectors": ["street-v2"],
        "zones": [
            {
                "name": "sidewalk",
                "kind": "barbecue_watch",
                "polygon": ground_zone(cam, -10.0, -3.3, 5.0, 24.0),
                "persistence_seconds": 15,
                "active_hours": ["18:00-02:00"],
            }
        ],
    }


def _stall_actors(
    rng: np.random.Generator, duration: float, lit_from: float
) -> tuple[list[Actor], tuple[Table, ...]]:
    sx, sz = -6.2, 9.5
    stall = Stall(
        0,
        0,
        1.3,
        flame=True,
        smoke=True,
        table_colour=(40, 40, 180),
        stool_colour=(40, 40, 200),
        tables=2,
        smoke_seed=int(rng.integers(0, 2**31)),
        wind=0.25,
    )
    actors = [
        Actor("grill-1", stall, Track(((0.0, sx, sz), (duration, sx, sz))), "street_stall", lit_from=lit_from)
    ]
    tables = (
        Table(sx, sz + 2.0, (40, 40, 180), (40, 40, 200)),
        Table(sx - 0.2, sz + 3.8, (40, 40, 180), (40, 40, 200)),
    )
    for i, (px, pz) in enumerate(((sx - 0.7, sz + 2.0), (sx + 0.7, sz + 2.0), (sx + 0.5, sz + 3.8))):
        r, g, b = (int(c) for c in rng.integers(30, 230, 3))
        person = Person(0, 0, 1.25, (r, g, b), (40, 40, 50), 0.0, seated=True)
        actors.append(
            Actor(f"person-{i + 1}", person, Track(((0.0, px, pz), (duration, px, pz))), "customer")
        )
    actors.append(
        Actor(
            "person-cook",
            Person(0, 0, 1.72, (230, 230, 230), (40, 40, 40), 0.0),
            Track(((0.0, sx + 0.1, sz + 0.6), (duration, sx + 0.1, sz + 0.6))),
            "cook",
        )
    )
    return actors, tables


def barbecue(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-barbecue")
    lay, indoor = _barbecue_layout(rng, night=True)
    duration = 45.0
    lit_from = 3.0
    actors, tables = _stall_actors(rng, duration, lit_from)
    fx = lay.facade_x(-1)
    inside = Stall(
        0,
        0,
        1.0,
        flame=True,
        smoke=False,
        table_colour=(200, 200, 200),
        stool_colour=(40, 160, 40),
        tables=0,
        smoke_seed=int(rng.integers(0, 2**31)),
    )
    actors.append(
        Actor(
            "grill-2",
            inside,
            Track(((0.0, fx - 1.2, 31.0), (duration, fx - 1.2, 31.0))),
            "cooking_behind_shop_window",
            indoor=True,
        )
    )
    camera = _barbecue_camera(lay.camera, "2026-05-01T20:30:00+08:00")
    persistence = 15.0
    violations: list[dict[str, object]] = [
        {
            "type": "open_barbecue",
            "object_id": "grill-1",
            "zone": "sidewalk",
            "plate": None,
            "start_s": lit_from,
            "end_s": duration,
            "confirm_after_s": lit_from + persistence,
            "people": 4,
        },
    ]
    negatives: list[dict[str, object]] = [
        {"object_id": "grill-2", "reason": "cooking indoors behind a shop window, outside the watch zone"},
    ]
    return Scenario(
        "barbecue",
        seed,
        lay,
        tuple(actors),
        duration,
        camera,
        violations,
        negatives,
        fps,
        tables=tables,
        windows=(WindowOverlay(indoor),),
    )


def barbecue_offhours(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-barbecue")
    lay, _ = _barbecue_layout(rng, night=False)
    duration = 30.0
    actors, tables = _stall_actors(rng, duration, 2.0)
    camera = _barbecue_camera(lay.camera, "2026-05-01T14:00:00+08:00")
    camera["id"] = "demo-barbecue-day"
    negatives: list[dict[str, object]] = [
        {"object_id": "grill-1", "reason": "14:00 is outside the zone's active hours 18:00-02:00"},
    ]
    return Scenario(
        "barbecue_offhours", seed, lay, tuple(actors), duration, camera, [], negatives, fps, tables=tables
    )


BUILDERS = {
    "parking": parking,
    "worksite": worksite,
    "barbecue": barbecue,
    "barbecue_offhours": barbecue_offhours,
    **parking_scenarios.BUILDERS,
    **vending_scenarios.BUILDERS,
}


def build(name: str, seed: int = 0, fps: int = 10) -> Scenario:
    if name not in BUILDERS:
        raise ValueError(f"unknown scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
    return BUILDERS[name](seed, fps)


def frames(scenario: Scenario) -> Iterator[tuple[float, RenderResult]]:
    """Render every frame: (seconds from the start, image and labels)."""
    background = render_background(scenario.layout, scenario.seed)
    for i in range(scenario.frames):
        t = i / scenario.fps
        yield (
            t,
            render(
                scenario.scene_at(t), t=t, frame_seed=scenario.seed * 1_000_003 + i, background=background
            ),
        )


def write(scenario: Scenario, out_dir: Path, stem: str | None = None, crf: int = 28) -> tuple[Path, Path]:
    """Write `<stem>.mp4` and `<stem>.json` (ground truth) under out_dir."""
    stem = stem or scenario.name
    video = out_dir / f"{stem}.mp4"
    images: Iterator[npt.NDArray[np.uint8]] = (result.image for _, result in frames(scenario))
    write_mp4(video, images, scenario.fps, crf=crf)
    truth = out_dir / f"{stem}.json"
    truth.write_text(
        json.dumps(scenario.ground_truth(video.name), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return video, truth
