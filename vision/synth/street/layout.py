"""The static street: road, lanes, curbs, sidewalks, yellow no-parking marks, shop fronts, a worksite
gate, street lights and the sky; drawn once per camera and reused for every video frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from vision.synth.common.rng import choice
from vision.synth.street.camera import PoleCamera
from vision.synth.street.canvas import Canvas, Colour
from vision.synth.street.plates import _font

TimeOfDay = Literal["day", "dusk", "night"]
Weather = Literal["clear", "rain", "fog"]
SHOP_NAMES = [
    "兴旺超市",
    "老王烧烤",
    "便利店",
    "五金建材",
    "川菜馆",
    "理发店",
    "大药房",
    "水果店",
    "兰州拉面",
    "手机维修",
    "烟酒茶",
    "早餐店",
    "快递驿站",
    "洗衣店",
    "面包房",
    "小吃店",
]
FAR_Z = 160.0


@dataclass(frozen=True)
class Shop:
    side: int  # -1 left, +1 right
    z0: float
    z1: float
    wall: Colour
    sign: Colour
    name: str
    window_lit: bool


@dataclass(frozen=True)
class StreetLayout:
    camera: PoleCamera
    lanes: int
    lane_width: float
    sidewalk_left: float
    sidewalk_right: float
    shops: tuple[Shop, ...]
    no_parking: tuple[tuple[int, float, float], ...]  # (side, z0, z1) yellow-marked curb stretches
    gate: tuple[int, float, float] | None  # (side, z0, z1) worksite gate in the right/left facade
    gate_across_z: float | None  # worksite gate across the road end (camera looks at the exit)
    lights: tuple[tuple[int, float], ...]  # (side, z) street lamps
    time_of_day: TimeOfDay
    weather: Weather
    asphalt: Colour
    sidewalk: Colour
    parking_bays: tuple[tuple[int, float, float], ...] = ()  # (side, z0, z1) legal, white-lined bays
    indoor_windows: tuple[tuple[int, float, float], ...] = ()  # (side, z0, z1) redrawn over indoor things
    lamp_height: float = 7.0
    extras: dict[str, float] = field(default_factory=dict)

    @property
    def road_left(self) -> float:
        return -self.lanes * self.lane_width / 2

    @property
    def road_right(self) -> float:
        return self.lanes * self.lane_width / 2

    def facade_x(self, side: int) -> float:
        return self.road_left - self.sidewalk_left if side < 0 else self.road_right + self.sidewalk_right

    def lane_centre(self, lane: int) -> float:
        return self.road_left + (lane + 0.5) * self.lane_width


def sample_layout(rng: np.random.Generator, width: int, height: int) -> StreetLayout:
    lanes = int(rng.integers(2, 5))
    lane_w = float(rng.uniform(3.2, 3.7))
    half = lanes * lane_w / 2
    sl, sr = float(rng.uniform(3.0, 6.0)), float(rng.uniform(3.0, 6.0))
    cam_x = float(rng.uniform(-half - sl * 0.8, half + sr * 0.8))
    cam = PoleCamera(
        width,
        height,
        mount_height=float(rng.uniform(4.0, 9.0)),
        tilt_deg=float(rng.uniform(10.0, 26.0)),
        hfov_deg=float(rng.uniform(50.0, 78.0)),
        x=cam_x,
        yaw_deg=float(np.clip(-cam_x * 1.2 + rng.normal(0, 4), -14, 14)),  # turned towards the road
    )
    shops = _sample_shops(rng)
    gate = None
    gate_across = None
    if rng.random() < 0.35:
        gate_across = float(rng.uniform(30, 60))
    elif rng.random() < 0.5:
        side = int(choice(rng, [-1, 1]))
        z0 = float(rng.uniform(12, 40))
        gate = (side, z0, z0 + float(rng.uniform(7, 10)))
    no_parking = tuple(
        (int(choice(rng, [-1, 1])), float(z), float(z + rng.uniform(12, 30)))
        for z in rng.uniform(3, 40, int(rng.integers(1, 3)))
    )
    tod = choice(rng, ["day", "dusk", "night"], p=[0.55, 0.2, 0.25])
    weather = choice(rng, ["clear", "rain", "fog"], p=[0.6, 0.2, 0.2])
    g = int(rng.integers(55, 100))
    return StreetLayout(
        camera=cam,
        lanes=lanes,
        lane_width=lane_w,
        sidewalk_left=sl,
        sidewalk_right=sr,
        shops=shops,
        no_parking=no_parking,
        gate=gate,
        gate_across_z=gate_across,
        lights=tuple(
            (s, float(z)) for s in (-1, 1) for z in np.arange(rng.uniform(5, 15), 120, rng.uniform(18, 30))
        ),
        time_of_day=tod,
        weather=weather,
        asphalt=(g, g + int(rng.integers(-3, 4)), g + int(rng.integers(0, 8))),
        sidewalk=tuple(int(c) for c in rng.integers(120, 190, 3)),  # type: ignore[arg-type]
    )


def _sample_shops(rng: np.random.Generator) -> tuple[Shop, ...]:
    shops = []
    for side in (-1, 1):
        z = float(rng.uniform(-5, 2))
        while z < FAR_Z:
            length = float(rng.uniform(5, 11))
            shops.append(
                Shop(
                    side,
                    z,
                    z + length,
                    wall=tuple(int(c) for c in rng.integers(60, 230, 3)),  # type: ignore[arg-type]
                    sign=tuple(int(c) for c in rng.integers(20, 220, 3)),  # type: ignore[arg-type]
                    name=choice(rng, SHOP_NAMES),
                    window_lit=bool(rng.random() < 0.7),
                )
            )
            z += length
    return tuple(shops)


@lru_cache(maxsize=64)
def _sign_texture(name: str, sign: Colour) -> npt.NDArray[np.uint8]:
    w, h = 60 * len(name) + 40, 80
    img = Image.new("RGB", (w, h), sign[::-1])
    lum = 0.3 * sign[2] + 0.6 * sign[1] + 0.1 * sign[0]
    fg = (20, 20, 20) if lum > 140 else (250, 250, 240)
    ImageDraw.Draw(img).text((20, 8), name, font=_font(56), fill=fg)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def _ground_quad(x0: float, x1: float, z0: float, z1: float, y: float = 0.0) -> list[list[float]]:
    return [[x0, y, z0], [x1, y, z0], [x1, y, z1], [x0, y, z1]]


def draw_background(canvas: Canvas, lay: StreetLayout, rng: np.random.Generator) -> None:
    h, w = canvas.image.shape[:2]
    sky_top, sky_bottom = {
        "day": ((235, 190, 140), (250, 230, 210)),
        "dusk": ((140, 90, 90), (120, 170, 240)),
        "night": ((50, 25, 15), (90, 60, 40)),
    }[lay.time_of_day]
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    canvas.image[:] = (np.array(sky_top) * (1 - t) + np.array(sky_bottom) * t)[:, None, :].astype(np.uint8)
    # distant buildings on the horizon
    x = -200.0
    while x < 200:
        bw, bh = float(rng.uniform(8, 25)), float(rng.uniform(10, 45))
        c = int(rng.integers(110, 180))
        canvas.poly(
            [[x, 0, FAR_Z + 20], [x + bw, 0, FAR_Z + 20], [x + bw, bh, FAR_Z + 20], [x, bh, FAR_Z + 20]],
            (c, c + 5, c + 10),
        )
        x += bw
    # ground, sidewalks, road
    canvas.poly(_ground_quad(-120, 120, 0.2, FAR_Z), (90, 110, 105))
    for side in (-1, 1):
        fx = lay.facade_x(side)
        edge = lay.road_left if side < 0 else lay.road_right
        canvas.poly(_ground_quad(min(fx, edge), max(fx, edge), 0.2, FAR_Z), lay.sidewalk)
        for z in np.arange(0.5, 60, 1.2):  # paving joints
            canvas.poly(
                _ground_quad(min(fx, edge), max(fx, edge), z, z + 0.05),
                (max(0, lay.sidewalk[0] - 25), max(0, lay.sidewalk[1] - 25), max(0, lay.sidewalk[2] - 25)),
            )
        canvas.poly(_ground_quad(edge - 0.18 * side, edge, 0.2, FAR_Z, 0.0), (175, 178, 180))  # curb stone
    far = lay.gate_across_z if lay.gate_across_z is not None else FAR_Z
    canvas.poly(_ground_quad(lay.road_left, lay.road_right, 0.2, far), lay.asphalt)
    if lay.gate_across_z is not None:
        zg = lay.gate_across_z
        canvas.poly(_ground_quad(lay.road_left, lay.road_right, zg - 6, zg), (70, 95, 115))  # dirt apron
    for lane in range(1, lay.lanes):
        xl = lay.road_left + lane * lay.lane_width
        centre = lane == lay.lanes // 2 and lay.lanes >= 3
        colour: Colour = (40, 200, 230) if centre else (225, 225, 225)
        step = 1.0 if centre else 9.0
        for z in np.arange(1.0, far - 6, step):
            canvas.poly(_ground_quad(xl - 0.07, xl + 0.07, z, z + (step if centre else 3.0)), colour)
    for side, z0, z1 in lay.no_parking:
        edge = lay.road_left + 0.25 if side < 0 else lay.road_right - 0.25
        yellow: Colour = (20, 200, 240)
        canvas.poly(_ground_quad(edge - 0.08, edge + 0.08, z0, z1), yellow)
        for z in np.arange(z0, z1 - 1.0, 2.5):  # zig-zag "no stopping" marks
            inner = edge - 0.9 * side
            canvas.poly(
                [[edge, 0, z], [inner, 0, z + 1.2], [inner, 0, z + 1.35], [edge, 0, z + 0.15]], yellow
            )
    for side, z0, z1 in lay.parking_bays:
        edge = lay.road_left if side < 0 else lay.road_right
        inner = edge - 2.4 * side
        for z in np.arange(z0, z1 + 0.1, 6.0):
            canvas.poly(_ground_quad(min(edge, inner), max(edge, inner), z, z + 0.12), (225, 225, 225))
        canvas.poly(_ground_quad(inner - 0.06, inner + 0.06, z0, z1), (225, 225, 225))
    noise = cv2.resize(rng.normal(0, 6, (h // 8 + 1, w // 8 + 1)).astype(np.float32), (w, h))
    canvas.image[:] = np.clip(canvas.image.astype(np.float32) + noise[..., None], 0, 255).astype(np.uint8)
    _draw_facades(canvas, lay, rng)
    _draw_lamps(canvas, lay)


def _draw_facades(canvas: Canvas, lay: StreetLayout, rng: np.random.Generator) -> None:
    night = lay.time_of_day != "day"
    for shop in sorted(lay.shops, key=lambda s: -s.z1):
        fx = lay.facade_x(shop.side)
        if lay.gate and lay.gate[0] == shop.side and shop.z1 > lay.gate[1] and shop.z0 < lay.gate[2]:
            continue
        if lay.gate_across_z is not None and shop.z0 > lay.gate_across_z:
            continue
        top = 4.0 + (int(shop.z0 * 7) % 5)
        canvas.poly([[fx, 0, shop.z0], [fx, 0, shop.z1], [fx, top, shop.z1], [fx, top, shop.z0]], shop.wall)
        a, b = shop.z0 + 0.4, shop.z1 - 0.4
        glass: Colour = (120, 170, 220) if (night and shop.window_lit) else (95, 80, 70)
        canvas.poly(
            [[fx, 0.1, a], [fx, 0.1, b], [fx, 2.6, b], [fx, 2.6, a]],
            glass,
            emissive=night and shop.window_lit,
        )
        canvas.poly(
            [
                [fx, 0.1, (a + b) / 2 - 0.05],
                [fx, 0.1, (a + b) / 2 + 0.05],
                [fx, 2.6, (a + b) / 2 + 0.05],
                [fx, 2.6, (a + b) / 2 - 0.05],
            ],
            (60, 60, 60),
        )
        sign = _sign_texture(shop.name, shop.sign)
        canvas.texture(
            [[fx, 3.6, b], [fx, 3.6, a], [fx, 2.8, a], [fx, 2.8, b]]
            if shop.side > 0
            else [[fx, 3.6, a], [fx, 3.6, b], [fx, 2.8, b], [fx, 2.8, a]],
            sign,
            emissive=night,
        )
    if lay.gate:
        side, z0, z1 = lay.gate
        fx = lay.facade_x(side)
        _hoarding(canvas, [[fx, 0, z1 + 12], [fx, 0, z1]], 0)
        _hoarding(canvas, [[fx, 0, z0], [fx, 0, z0 - 12]], 0)
        canvas.poly(
            [[fx, 0, z0], [fx + 15 * side, 0, z0], [fx + 15 * side, 0, z1], [fx, 0, z1]], (70, 95, 115)
        )
        for z in (z0, z1):
            canvas.poly([[fx, 0, z - 0.3], [fx, 0, z], [fx, 4.5, z], [fx, 4.5, z - 0.3]], (150, 150, 150))
        canvas.texture(
            [
                [fx, 5.2, z1 if side > 0 else z0],
                [fx, 5.2, z0 if side > 0 else z1],
                [fx, 4.5, z0 if side > 0 else z1],
                [fx, 4.5, z1 if side > 0 else z0],
            ],
            _sign_texture("施工重地 闲人免进", (40, 40, 200)),
        )
    if lay.gate_across_z is not None:
        zg = lay.gate_across_z
        gl, gr = lay.road_left + 0.5, lay.road_right - 0.5
        _hoarding(canvas, [[lay.facade_x(-1) - 5, 0, zg], [gl, 0, zg]], 0)
        _hoarding(canvas, [[gr, 0, zg], [lay.facade_x(1) + 5, 0, zg]], 0)
        canvas.poly(
            [[gl, 0, zg + 0.1], [gr, 0, zg + 0.1], [gr, 0, zg + 30], [gl, 0, zg + 30]], (75, 100, 120)
        )
        for x in (gl, gr):
            canvas.poly(
                [[x - 0.2, 0, zg], [x + 0.2, 0, zg], [x + 0.2, 4.8, zg], [x - 0.2, 4.8, zg]], (150, 150, 150)
            )
        canvas.texture(
            [[gl, 5.6, zg], [gr, 5.6, zg], [gr, 4.8, zg], [gl, 4.8, zg]],
            _sign_texture("工地出入口", (40, 40, 200)),
        )


def draw_window_overlay(canvas: Canvas, lay: StreetLayout, shop: Shop) -> None:
    """Redraw a shop front over things inside the shop: wall around the window, mullion, tinted glass."""
    fx = lay.facade_x(shop.side)
    top = 4.0 + (int(shop.z0 * 7) % 5)
    a, b = shop.z0 + 0.4, shop.z1 - 0.4
    for quad in (
        [[fx, 2.6, shop.z0], [fx, 2.6, shop.z1], [fx, top, shop.z1], [fx, top, shop.z0]],
        [[fx, 0, shop.z0], [fx, 0, a], [fx, 2.6, a], [fx, 2.6, shop.z0]],
        [[fx, 0, b], [fx, 0, shop.z1], [fx, 2.6, shop.z1], [fx, 2.6, b]],
    ):
        canvas.poly(quad, shop.wall)
    pts, z = canvas.camera.project(np.array([[fx, 0.1, a], [fx, 0.1, b], [fx, 2.6, b], [fx, 2.6, a]]))
    if np.all(z > 0.3):
        mask = np.zeros(canvas.image.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(pts).astype(np.int32).reshape(-1, 2)], 255)
        sel = mask > 0
        tint = np.array((150, 130, 110), np.float32)
        canvas.image[sel] = (canvas.image[sel].astype(np.float32) * 0.7 + tint * 0.3).astype(np.uint8)
        canvas.light[sel] = (canvas.light[sel].astype(np.float32) * 0.75).astype(np.uint8)
    canvas.poly(
        [
            [fx, 0.1, (a + b) / 2 - 0.05],
            [fx, 0.1, (a + b) / 2 + 0.05],
            [fx, 2.6, (a + b) / 2 + 0.05],
            [fx, 2.6, (a + b) / 2 - 0.05],
        ],
        (60, 60, 60),
    )
    sign = _sign_texture(shop.name, shop.sign)
    night = lay.time_of_day != "day"
    canvas.texture(
        [[fx, 3.6, b], [fx, 3.6, a], [fx, 2.8, a], [fx, 2.8, b]]
        if shop.side > 0
        else [[fx, 3.6, a], [fx, 3.6, b], [fx, 2.8, b], [fx, 2.8, a]],
        sign,
        emissive=night,
    )


def _hoarding(canvas: Canvas, ends: list[list[float]], eid: int) -> None:
    (xa, _, za), (xb, _, zb) = ends
    n = max(1, int(np.hypot(xb - xa, zb - za) / 2.0))
    for i in range(n):
        t0, t1 = i / n, (i + 1) / n
        p0 = (xa + (xb - xa) * t0, za + (zb - za) * t0)
        p1 = (xa + (xb - xa) * t1, za + (zb - za) * t1)
        colour: Colour = (170, 110, 30) if i % 2 == 0 else (160, 100, 25)
        canvas.poly(
            [[p0[0], 0, p0[1]], [p1[0], 0, p1[1]], [p1[0], 3.2, p1[1]], [p0[0], 3.2, p0[1]]], colour, eid
        )
        canvas.poly(
            [[p0[0], 1.5, p0[1]], [p1[0], 1.5, p1[1]], [p1[0], 1.8, p1[1]], [p0[0], 1.8, p0[1]]],
            (230, 230, 230),
            eid,
        )


def _draw_lamps(canvas: Canvas, lay: StreetLayout) -> None:
    night = lay.time_of_day != "day"
    for side, z in sorted(lay.lights, key=lambda s: -s[1]):
        if lay.gate_across_z is not None and z > lay.gate_across_z:
            continue
        x = (lay.road_left - 0.5) if side < 0 else (lay.road_right + 0.5)
        hgt = lay.lamp_height
        canvas.poly(
            [[x - 0.08, 0, z], [x + 0.08, 0, z], [x + 0.08, hgt, z], [x - 0.08, hgt, z]], (80, 80, 85)
        )
        arm = x - 1.5 * side
        canvas.poly([[x, hgt - 0.1, z], [arm, hgt - 0.1, z], [arm, hgt, z], [x, hgt, z]], (80, 80, 85))
        head = canvas.poly(
            [
                [arm - 0.35, hgt - 0.25, z],
                [arm + 0.35, hgt - 0.25, z],
                [arm + 0.35, hgt - 0.05, z],
                [arm - 0.35, hgt - 0.05, z],
            ],
            (200, 240, 250) if night else (150, 150, 150),
            emissive=night,
        )
        if night and head is not None:
            cx, cy = head.mean(0)
            size = float(np.ptp(head[:, 0]))
            canvas.glows.append((int(cx), int(cy), max(2.0, size * 0.9), (90, 150, 190)))
            pool, _ = canvas.camera.project(np.array([[arm, 0, z]]))
            canvas.glows.append((int(pool[0, 0]), int(pool[0, 1]), max(4.0, size * 2.5), (40, 70, 90)))
