"""Street-vending scenarios: attended stalls that stand (violations) beside their look-alikes.

- ``vending`` (10:00, in the zone's active hours 07:00-20:00, persistence 20 s): a fruit tricycle
  with its vendor and a buyer, and a mat of wares with a seated vendor (arrives at 6 s), both on the
  sidewalk to the end (violations); a bare tricycle parked with nobody at it; a shop's display of
  wares in its doorway with the shopkeeper (the doorway is a zone exclusion); a tricycle of cartons
  unloaded for 12 s, shorter than the persistence, then ridden off; two shoppers walking with bags.
- ``vending_offhours``: the same street at 21:00, outside the active hours (no violation).
"""

from __future__ import annotations

import numpy as np

from vision.synth.common.rng import make_rng
from vision.synth.street.actors import Person
from vision.synth.street.camera import PoleCamera
from vision.synth.street.layout import StreetLayout
from vision.synth.street.script import Actor, Scenario, Track, ground_zone, location, shop_row
from vision.synth.street.vending import Shopper, Vendor

PERSISTENCE = 20.0
ZONE = "sidewalk-west"
DURATION = 50.0
WIDTH, HEIGHT = 1280, 720
DELIVERY = (22.0, 34.0)  # the cartons tricycle stands (and is unloaded) from, to


def _layout(rng: np.random.Generator) -> StreetLayout:
    cam = PoleCamera(WIDTH, HEIGHT, mount_height=5.0, tilt_deg=18.0, hfov_deg=58.0, x=-4.0, yaw_deg=-6.0)
    return StreetLayout(
        cam,
        lanes=2,
        lane_width=3.5,
        sidewalk_left=6.0,
        sidewalk_right=3.5,
        shops=shop_row(rng, ["水果店", "便利店", "服装店", "早餐店", "手机维修", "五金建材"], 7.0),
        no_parking=(),
        gate=None,
        gate_across_z=None,
        lights=((-1, 10.0), (1, 30.0)),
        time_of_day="day",
        weather="clear",
        asphalt=(80, 82, 86),
        sidewalk=(150, 158, 165),
    )


def _person(rng: np.random.Generator, height: float = 1.7, seated: bool = False) -> Person:
    shirt = tuple(int(c) for c in rng.integers(30, 230, 3))
    return Person(0, 0, height, shirt, (40, 40, 50), 0.0, seated=seated)  # type: ignore[arg-type]


def _still(x: float, z: float, t0: float = 0.0, t1: float = DURATION) -> Track:
    return Track(((t0, x, z), (t1, x, z)))


def _camera(cam: PoleCamera, lay: StreetLayout, start_time: str, cam_id: str) -> dict[str, object]:
    facade = lay.facade_x(-1)
    return {
        "id": cam_id,
        "name": "中山路 sidewalk (demo)",
        "source": "file:vending.mp4",
        "timezone": "Asia/Shanghai",
        "start_time": start_time,
        "analysis_fps": 2,
        "location": location("中山路 56号 西侧人行道", "330102003005", "上城区城管执法队 三中队", 30.2512, 120.1689),
        "detectors": ["street-v3"],
        "zones": [
            {
                "name": ZONE,
                "kind": "vending_watch",
                "polygon": ground_zone(cam, facade + 0.05, lay.road_left, 4.0, 30.0),
                "persistence_seconds": PERSISTENCE,
                "active_hours": ["07:00-20:00"],
                "exclusions": [ground_zone(cam, facade, facade + 1.4, 16.5, 20.5)],  # the shop's doorway
            }
        ],
    }


def _actors(rng: np.random.Generator, lay: StreetLayout) -> tuple[Actor, ...]:
    edge, facade = lay.road_left, lay.facade_x(-1)
    fruit = Vendor(0, 0, "tricycle", "produce", (40, 110, 40), heading=85.0, seed=int(rng.integers(0, 2**31)))
    mat = Vendor(0, 0, "mat", "wares", (60, 60, 150), heading=90.0, seed=int(rng.integers(0, 2**31)))
    bare = Vendor(0, 0, "tricycle", "none", (160, 110, 40), heading=95.0)
    display = Vendor(0, 0, "stall", "wares", (200, 200, 205), heading=90.0, seed=int(rng.integers(0, 2**31)))
    cartons = Vendor(0, 0, "tricycle", "cartons", (90, 90, 95), heading=0.0, seed=int(rng.integers(0, 2**31)))
    d0, d1 = DELIVERY
    return (
        Actor("stall-fruit", fruit, _still(edge - 1.2, 8.5), "vending_tricycle"),
        Actor("vendor-fruit", _person(rng), _still(edge - 2.2, 8.8), "vendor"),
        Actor("buyer-fruit", _person(rng, 1.62), _still(edge - 0.7, 9.8), "buyer"),
        Actor("stall-mat", mat, _still(facade + 2.2, 12.0, 6.0), "vending_mat"),
        Actor("vendor-mat", _person(rng, 1.2, seated=True), _still(facade + 1.0, 12.2, 6.0), "vendor"),
        Actor("tricycle-bare", bare, _still(edge - 1.4, 26.0), "parked_without_goods"),
        Actor("display-shop", display, _still(facade + 0.7, 18.5), "shop_display_in_doorway"),
        Actor("shopkeeper", _person(rng), _still(facade + 0.5, 19.6), "shopkeeper"),
        Actor(
            "delivery-cartons",
            cartons,
            Track(((d0 - 4, edge + 1, 40.0), (d0, edge - 1, 20.0), (d1, edge - 1, 20.0), (d1 + 4, edge + 1, 0.0))),
            "delivery_unloading",
        ),
        Actor("courier", _person(rng), Track(((d0, edge - 2.0, 20.4), (d1, edge - 2.0, 20.4))), "courier"),
        Actor(
            "shopper-1",
            Shopper(_person(rng), (230, 230, 230)),
            Track(((0.0, edge - 3.6, 30.0), (DURATION, edge - 3.4, 4.0))),
            "walking_with_bag",
        ),
        Actor(
            "shopper-2",
            Shopper(_person(rng, 1.6), (40, 40, 200), side=-1.0),
            Track(((10.0, edge - 2.0, 5.0), (DURATION, edge - 2.3, 40.0))),
            "walking_with_bag",
        ),
    )


NEGATIVES: list[dict[str, object]] = [
    {"object_id": "tricycle-bare", "reason": "a tricycle without goods, nobody at it"},
    {"object_id": "display-shop", "reason": "the shop's own display inside its doorway (a zone exclusion)"},
    {"object_id": "delivery-cartons", "reason": "cartons unloaded for 12 s, shorter than the 20 s persistence"},
    {"object_id": "shopper-1", "reason": "walking with a bag"},
    {"object_id": "shopper-2", "reason": "walking with a bag"},
]


def vending(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-vending")
    lay = _layout(rng)
    camera = _camera(lay.camera, lay, "2026-05-01T10:00:00+08:00", "demo-vending")
    violations: list[dict[str, object]] = [
        {"type": "street_vending", "object_id": oid, "zone": ZONE, "plate": None, "start_s": start,
         "end_s": DURATION, "confirm_after_s": start + PERSISTENCE, "people": people}
        for oid, start, people in (("stall-fruit", 0.0, 2), ("stall-mat", 6.0, 1))
    ]
    return Scenario("vending", seed, lay, _actors(rng, lay), DURATION, camera, violations, NEGATIVES, fps)


def vending_offhours(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-vending")
    lay = _layout(rng)
    camera = _camera(lay.camera, lay, "2026-05-01T21:00:00+08:00", "demo-vending-night")
    negatives: list[dict[str, object]] = [
        {"object_id": oid, "reason": "21:00 is outside the zone's active hours 07:00-20:00"}
        for oid in ("stall-fruit", "stall-mat")
    ]
    return Scenario(
        "vending_offhours", seed, lay, _actors(rng, lay), 30.0, camera, [], [*negatives, *NEGATIVES], fps
    )


BUILDERS = {"vending": vending, "vending_offhours": vending_offhours}
