"""A street scene = layout + things + conditions; `render` turns it into an image and its labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from vision.synth.common import degrade
from vision.synth.common.rng import choice, make_rng
from vision.synth.street import smoke as smoke_mod
from vision.synth.street.actors import (
    Car,
    Person,
    Stall,
    Truck,
    draw_car,
    draw_mud_trail,
    draw_person,
    draw_stall,
    draw_table,
    draw_truck,
)
from vision.synth.street.canvas import Box, Canvas
from vision.synth.street.layout import Shop, StreetLayout, draw_background, draw_window_overlay, sample_layout
from vision.synth.street.plates import random_plate
from vision.synth.street.vending import Goods, Shopper, Vendor, draw_shopper, draw_vendor

_AMBIENT = {"day": (1.0, 1.0, 1.0), "dusk": (0.62, 0.68, 0.85), "night": (0.3, 0.3, 0.34)}
_SMOKE_COLOUR = {"day": (175, 178, 182), "dusk": (150, 150, 160), "night": (125, 120, 120)}
_CAR_COLOURS = [
    (240, 240, 240),
    (20, 20, 20),
    (160, 160, 165),
    (40, 40, 170),
    (150, 80, 20),
    (60, 60, 60),
    (200, 200, 190),
    (30, 120, 200),
    (90, 40, 40),
    (30, 90, 30),
    (230, 230, 220),
    (110, 110, 110),
]


@dataclass(frozen=True)
class Conditions:
    noise_sigma: float = 2.0
    jpeg_quality: int | None = 90  # None: no JPEG round trip
    blur_length: int = 0
    blur_angle: float = 0.0
    rain: float = 0.0
    fog_visibility_m: float | None = None


@dataclass(frozen=True)
class Table:
    x: float
    z: float
    table_colour: tuple[int, int, int]
    stool_colour: tuple[int, int, int]


@dataclass(frozen=True)
class WindowOverlay:
    """A shop front redrawn over whatever is inside the shop (cooking behind a window)."""

    shop: Shop

    @property
    def x(self) -> float:
        return 0.0  # replaced by the facade position when sorting

    @property
    def z(self) -> float:
        return (self.shop.z0 + self.shop.z1) / 2


@dataclass(frozen=True)
class StreetScene:
    layout: StreetLayout
    cars: tuple[Car, ...] = ()
    trucks: tuple[Truck, ...] = ()
    people: tuple[Person, ...] = ()
    stalls: tuple[Stall, ...] = ()
    tables: tuple[Table, ...] = ()
    windows: tuple[WindowOverlay, ...] = ()
    trade: tuple[Vendor | Shopper, ...] = ()  # street vending and its look-alikes
    conditions: Conditions = field(default_factory=Conditions)
    trail_m: float = 14.0


@dataclass(frozen=True, eq=False)
class RenderResult:
    image: npt.NDArray[np.uint8]
    boxes: tuple[Box, ...]



def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    r, g, b = (int(c) for c in rng.integers(0, 255, 3))
    return (r, g, b)

def render_background(layout: StreetLayout, seed: int) -> Canvas:
    canvas = Canvas(layout.camera)
    draw_background(canvas, layout, make_rng(seed, "background"))
    return canvas


def render(
    scene: StreetScene,
    t: float = 0.0,
    frame_seed: int = 0,
    background: Canvas | None = None,
    draw_trails: bool = True,
) -> RenderResult:
    """Render at time `t` (s, animates smoke and flames); `frame_seed` drives per-frame noise."""
    lay = scene.layout
    canvas = background.copy() if background is not None else render_background(lay, frame_seed)
    rng = make_rng(frame_seed, "frame")
    cam = canvas.camera
    if draw_trails:
        for truck in scene.trucks:
            if truck.muddy:
                draw_mud_trail(canvas, truck, scene.trail_m, make_rng(truck.mud_seed, "trail"))

    def dist(x: float, z: float) -> float:
        return float(np.hypot(x - cam.x, z))

    items: list[tuple[float, int, Car | Truck | Person | Stall | Table | WindowOverlay | Vendor | Shopper]] = []
    for i, obj in enumerate(
        (*scene.cars, *scene.trucks, *scene.people, *scene.stalls, *scene.tables, *scene.windows, *scene.trade)
    ):
        if isinstance(obj, WindowOverlay):
            d = dist(lay.facade_x(obj.shop.side), obj.z)
        else:
            d = dist(obj.x, obj.z)  # type: ignore[attr-defined]
        if isinstance(obj, Truck | Car):
            d -= 1.0
        items.append((d, i, obj))
    items.sort(key=lambda it: (-it[0], it[1]))
    plumes = []
    for _, _, obj in items:
        if isinstance(obj, Car):
            draw_car(canvas, obj)
        elif isinstance(obj, Truck):
            draw_truck(canvas, obj, make_rng(obj.mud_seed, "mud"))
        elif isinstance(obj, Person):
            draw_person(canvas, obj)
        elif isinstance(obj, Table):
            draw_table(canvas, obj.x, obj.z, obj.table_colour, obj.stool_colour)
        elif isinstance(obj, WindowOverlay):
            draw_window_overlay(canvas, lay, obj.shop)
        elif isinstance(obj, Vendor):
            draw_vendor(canvas, obj)
        elif isinstance(obj, Shopper):
            draw_shopper(canvas, obj)
        elif isinstance(obj, Stall):
            _, top = draw_stall(canvas, obj, t, make_rng(obj.smoke_seed, "coals", int(t * 4)))
            if obj.smoke:
                plumes.append((obj, top))
    image = canvas.image
    amb = np.asarray(_AMBIENT[lay.time_of_day], np.float32)
    lit = canvas.lit > 0
    if lay.time_of_day != "day":
        image = np.clip(image.astype(np.float32) * amb, 0, 255).astype(np.uint8)
        image[lit] = canvas.light[lit]
    cond = scene.conditions
    if cond.fog_visibility_m:
        density = 1 - np.exp(-canvas.depth / cond.fog_visibility_m)
        fog_c = (
            (200, 200, 200)
            if lay.time_of_day == "day"
            else ((150, 150, 160) if lay.time_of_day == "dusk" else (55, 55, 60))
        )
        image = degrade.fog(image, density.astype(np.float32), fog_c)
    boxes = canvas.boxes(cond.fog_visibility_m)
    for stall, top in plumes:
        origin, z = cam.project(top[None, :])
        if z[0] <= 0.3:
            continue
        px_per_m = cam.focal / float(z[0])
        alpha = smoke_mod.plume_alpha(
            image.shape[:2],
            (float(origin[0, 0]), float(origin[0, 1])),
            px_per_m,
            t,
            stall.smoke_seed,
            stall.wind,
        )
        image = smoke_mod.composite(image, alpha, _SMOKE_COLOUR[lay.time_of_day])
        box = smoke_mod.alpha_box(alpha)
        if box is not None and min(box[2] - box[0], box[3] - box[1]) >= 6:
            boxes.append(Box("smoke", box, -1))
    if lay.time_of_day != "day":
        image = degrade.glow(image, canvas.glows)
    if cond.rain > 0:
        image = degrade.rain(image, rng, cond.rain)
    image = degrade.motion_blur(image, cond.blur_length, cond.blur_angle)
    image = degrade.sensor_noise(image, rng, cond.noise_sigma)
    if cond.jpeg_quality is not None:
        image = degrade.jpeg(image, cond.jpeg_quality)
    return RenderResult(image, tuple(boxes))


# ---- random scenes for training data -------------------------------------------------------------


def _visible_x(lay: StreetLayout, z: float) -> tuple[float, float]:
    """World X range at depth z (on the ground) that the camera sees, roughly."""
    cam = lay.camera
    half = (z * np.cos(np.radians(cam.yaw_deg)) + 1) * np.tan(np.radians(cam.hfov_deg) / 2)
    centre = cam.x + z * np.tan(np.radians(cam.yaw_deg))
    return centre - half, centre + half


def _free(
    occupied: list[tuple[float, float, float, float]], x: float, z: float, rx: float, rz: float
) -> bool:
    for ox, oz, orx, orz in occupied:
        if abs(ox - x) < rx + orx and abs(oz - z) < rz + orz:
            return False
    return True


def sample_scene(seed: int, width: int = 960, height: int = 540, vending: bool = False) -> StreetScene:
    """A random scene; `vending` adds street trade (vendors with and without goods, shoppers) drawn
    from its own random stream, so the scene without it is the same as before."""
    rng = make_rng(seed, "scene")
    lay = sample_layout(rng, width, height)
    night = lay.time_of_day != "day"
    occupied: list[tuple[float, float, float, float]] = []
    cars: list[Car] = []
    trucks: list[Truck] = []
    people: list[Person] = []
    stalls: list[Stall] = []
    tables: list[Table] = []
    z_max = 38.0 if lay.camera.hfov_deg > 65 else 46.0

    def place(rx: float, rz: float, kind: str) -> tuple[float, float, float] | None:
        for _ in range(12):
            z = float(rng.uniform(6.0, z_max))
            lo, hi = _visible_x(lay, z)
            if kind == "lane":
                lane = int(rng.integers(0, lay.lanes))
                x = lay.lane_centre(lane) + float(rng.normal(0, 0.3))
                heading = 0.0 if x > 0 else 180.0
                heading += float(rng.normal(0, 5))
                if rng.random() < 0.06:
                    heading = float(choice(rng, [90.0, -90.0])) + float(rng.normal(0, 10))
            elif kind == "curb":
                side = int(choice(rng, [-1, 1]))
                x = (lay.road_left + 1.2) if side < 0 else (lay.road_right - 1.2)
                heading = (0.0 if side > 0 else 180.0) + float(rng.normal(0, 8))
                if rng.random() < 0.3:
                    heading += 180.0
            elif kind == "walk":
                side = int(choice(rng, [-1, 1]))
                edge = lay.road_left if side < 0 else lay.road_right
                x = edge + side * float(
                    rng.uniform(0.5, (lay.sidewalk_left if side < 0 else lay.sidewalk_right) - 0.3)
                )
                if rng.random() < 0.15:
                    x = float(rng.uniform(lay.road_left, lay.road_right))
                heading = 0.0
            else:  # sidewalk stall
                side = int(choice(rng, [-1, 1]))
                edge = lay.road_left if side < 0 else lay.road_right
                sw = lay.sidewalk_left if side < 0 else lay.sidewalk_right
                x = edge + side * float(rng.uniform(0.8, max(0.9, sw - 1.0)))
                z = float(rng.uniform(5.0, 22.0))
                heading = 0.0
            if not lo + 1 < x < hi - 1:
                continue
            if _free(occupied, x, z, rx, rz):
                occupied.append((x, z, rx, rz))
                return x, z, heading
        return None

    n_stalls = int(choice(rng, [0, 1, 1, 2]))
    for _ in range(n_stalls):
        spot = place(1.0, 3.5, "stall")
        if spot is None:
            continue
        x, z, _ = spot
        st = Stall(
            x,
            z,
            float(rng.uniform(0.9, 1.6)),
            flame=bool(rng.random() < 0.5),
            smoke=bool(rng.random() < 0.85),
            table_colour=choice(rng, [(220, 220, 220), (40, 40, 180), (200, 120, 40), (40, 160, 220)]),
            stool_colour=choice(rng, [(40, 40, 200), (200, 90, 30), (40, 160, 40)]),
            tables=int(rng.integers(0, 3)),
            smoke_seed=int(rng.integers(0, 2**31)),
            wind=float(rng.uniform(-0.5, 0.5)),
        )
        stalls.append(st)
        for k in range(st.tables):
            tz = z + 1.5 + 1.6 * k
            tables.append(Table(x, tz, st.table_colour, st.stool_colour))
            for sx in (-0.7, 0.7):
                if rng.random() < 0.6:
                    people.append(_person(rng, x + sx, tz, seated=True))
        if rng.random() < 0.8:  # the cook
            people.append(_person(rng, x + float(rng.uniform(-0.3, 0.3)), z + 0.55, seated=False))
    for _ in range(int(rng.integers(0, 4)) if rng.random() < 0.8 else 0):
        spot = place(1.5, 4.6, "lane")
        if spot is None:
            continue
        x, z, hd = spot
        muddy = bool(rng.random() < 0.5)
        body: Literal["dump", "box"] = "dump" if rng.random() < 0.75 else "box"
        trucks.append(
            Truck(
                x,
                z,
                hd,
                body,
                cab_colour=choice(
                    rng, [(30, 160, 230), (40, 40, 180), (200, 200, 200), (40, 120, 40), (150, 80, 20)]
                ),
                bed_colour=choice(rng, [(40, 140, 210), (60, 60, 60), (90, 90, 100), (30, 100, 30)]),
                plate=random_plate(rng, "yellow"),
                load=choice(rng, ["none", "covered", "uncovered"], p=[0.2, 0.4, 0.4])
                if body == "dump"
                else "none",
                muddy=muddy,
                mud_seed=int(rng.integers(0, 2**31)),
                lights_on=night,
            )
        )
    for _ in range(int(rng.integers(1, 10))):
        parked = rng.random() < 0.4
        spot = place(1.1, 2.6, "curb" if parked else "lane")
        if spot is None:
            continue
        x, z, hd = spot
        kind: Literal["blue", "green", "yellow"] = (
            "green" if rng.random() < 0.3 else ("yellow" if rng.random() < 0.05 else "blue")
        )
        cars.append(
            Car(
                x,
                z,
                hd,
                choice(rng, ["sedan", "hatchback", "suv", "van"], p=[0.4, 0.2, 0.3, 0.1]),
                colour=choice(rng, _CAR_COLOURS) if rng.random() < 0.85 else _random_colour(rng),
                plate=random_plate(rng, kind),
                scale=float(rng.uniform(0.93, 1.07)),
                lights_on=night and not parked,
                brake=bool(rng.random() < 0.2),
            )
        )
    for _ in range(int(rng.integers(0, 9))):
        spot = place(0.35, 0.35, "walk")
        if spot is None:
            continue
        x, z, _ = spot
        people.append(_person(rng, x, z, seated=False))
    trade: tuple[Vendor | Shopper, ...] = ()
    if vending:
        trade, vendors_people = _sample_trade(make_rng(seed, "vending"), lay, occupied)
        people.extend(vendors_people)
    cond = Conditions(
        noise_sigma=float(rng.uniform(1, 5) + (4 if night else 0)),
        jpeg_quality=int(rng.integers(45, 96)),
        blur_length=int(rng.integers(0, 6)) if rng.random() < 0.4 else 0,
        blur_angle=float(rng.uniform(0, 180)),
        rain=float(rng.uniform(0.3, 1.0)) if lay.weather == "rain" else 0.0,
        fog_visibility_m=float(rng.uniform(45, 120)) if lay.weather == "fog" else None,
    )
    return StreetScene(
        lay,
        tuple(cars),
        tuple(trucks),
        tuple(people),
        tuple(stalls),
        tuple(tables),
        trade=trade,
        conditions=cond,
        trail_m=float(rng.uniform(6, 20)),
    )


def _person(rng: np.random.Generator, x: float, z: float, seated: bool) -> Person:
    return Person(
        x,
        z,
        height=float(rng.uniform(1.15, 1.3) if seated else rng.uniform(1.55, 1.88)),
        shirt=tuple(int(c) for c in rng.integers(20, 240, 3)),  # type: ignore[arg-type]
        trousers=tuple(int(c) for c in rng.integers(15, 120, 3)),  # type: ignore[arg-type]
        phase=float(rng.uniform(0, 1)),
        seated=seated,
        facing=float(choice(rng, [-1.0, 1.0])),
    )


_VENDOR_BODY = [(40, 110, 40), (160, 110, 40), (200, 200, 205), (40, 60, 160), (30, 140, 200), (90, 90, 95)]
_CANOPY = [(40, 40, 200), (200, 120, 30), (40, 170, 220), (230, 230, 230), (60, 150, 60)]
_MAT = [(60, 60, 150), (150, 60, 60), (190, 190, 190), (50, 120, 150)]


def _sample_trade(
    rng: np.random.Generator, lay: StreetLayout, occupied: list[tuple[float, float, float, float]]
) -> tuple[tuple[Vendor | Shopper, ...], list[Person]]:
    """Vendors on the sidewalk, at the road edge and in shop doorways (two in three with goods, the
    vendor beside them), bare tricycles and carts, and shoppers walking with bags."""
    trade: list[Vendor | Shopper] = []
    people: list[Person] = []
    for _ in range(int(rng.integers(2, 7))):
        side = int(choice(rng, [-1, 1]))
        edge = lay.road_left if side < 0 else lay.road_right
        sw = lay.sidewalk_left if side < 0 else lay.sidewalk_right
        where = choice(rng, ["sidewalk", "road_edge", "doorway"], p=[0.6, 0.25, 0.15])
        if where == "doorway":
            x = lay.facade_x(side) - side * 0.7
        elif where == "road_edge":
            x = edge - side * 0.8
        else:
            x = edge + side * float(rng.uniform(0.9, max(1.0, sw - 1.0)))
        z = float(rng.uniform(4.0, 22.0))
        lo, hi = _visible_x(lay, z)
        if not lo + 1 < x < hi - 1 or not _free(occupied, x, z, 1.0, 1.2):
            continue
        occupied.append((x, z, 1.0, 1.2))
        style = choice(rng, ["cart", "tricycle", "stall", "mat"], p=[0.25, 0.35, 0.25, 0.15])
        if where == "doorway":
            style = "stall"
        goods: Goods = "none"
        if rng.random() < 0.67:
            goods = choice(rng, ["produce", "wares", "cartons"], p=[0.5, 0.35, 0.15])
        if style in ("stall", "mat") and goods == "none":
            goods = "wares"  # a bare table or mat is not drawn: nothing to tell it from
        trade.append(
            Vendor(
                x,
                z,
                style,
                goods,
                body=choice(rng, _MAT if style == "mat" else _VENDOR_BODY),
                canopy=choice(rng, _CANOPY) if style in ("cart", "stall") and rng.random() < 0.5 else None,
                heading=float(choice(rng, [90.0, -90.0, 0.0, 180.0], p=[0.4, 0.3, 0.15, 0.15]) + rng.normal(0, 6)),
                seed=int(rng.integers(0, 2**31)),
                brightness=float(rng.uniform(0.65, 1.25)),
            )
        )
        if goods != "none" or rng.random() < 0.3:
            for _ in range(int(choice(rng, [1, 1, 2, 3]))):
                dx, dz = float(rng.uniform(-1.0, 1.0)), float(rng.uniform(0.6, 1.2)) * float(choice(rng, [-1, 1]))
                people.append(_person(rng, x + dx, z + dz, seated=bool(style == "mat" and rng.random() < 0.5)))
    for _ in range(int(rng.integers(0, 4))):
        side = int(choice(rng, [-1, 1]))
        edge = lay.road_left if side < 0 else lay.road_right
        sw = lay.sidewalk_left if side < 0 else lay.sidewalk_right
        x, z = edge + side * float(rng.uniform(0.4, max(0.5, sw - 0.3))), float(rng.uniform(5.0, 30.0))
        lo, hi = _visible_x(lay, z)
        if lo + 1 < x < hi - 1 and _free(occupied, x, z, 0.35, 0.35):
            occupied.append((x, z, 0.35, 0.35))
            bag = choice(rng, [(230, 230, 230), (40, 40, 200), (30, 30, 30), (60, 160, 220), (60, 140, 60)])
            trade.append(Shopper(_person(rng, x, z, seated=False), bag, float(choice(rng, [-1.0, 1.0]))))
    return tuple(trade), people
