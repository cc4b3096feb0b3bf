# mypy: disable-error-code="arg-type,call-overload,return-value,assignment"
"""Rasterise a survey area on one date (which structures stand, the light) as an orthophoto, and
photograph it from a drone pose."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

from vision.geometry.camera import Intrinsics, Pose, ground_to_image
from vision.synth.aerial.layout import Layout, Rect, Structure

Image = npt.NDArray[np.uint8]
SHIFT = 4
SCALE = 1 << SHIFT


@dataclass(frozen=True)
class Lighting:
    gain: float = 1.0
    gamma: float = 1.0
    cast: tuple[float, float, float] = (1.0, 1.0, 1.0)  # BGR multipliers
    sun_azimuth_deg: float = 135.0  # direction the sun shines from, clockwise from north
    shadow_factor: float = 0.6  # shadow length per metre of height
    shadow_strength: float = 0.45

    @classmethod
    def random(cls, rng: np.random.Generator) -> Lighting:
        warm = rng.uniform(-0.08, 0.08)
        return cls(
            float(rng.uniform(0.7, 1.25)),
            float(rng.uniform(0.8, 1.2)),
            (float(1 - warm), 1.0, float(1 + warm)),
            float(rng.uniform(0, 360)),
            float(rng.uniform(0.2, 1.0)),
            float(rng.uniform(0.25, 0.55)),
        )


@dataclass(frozen=True)
class SiteState:
    """The area on one date: the structures that stand and the light."""

    structures: tuple[Structure, ...]
    lighting: Lighting
    date_seed: int = 0


class WorldRaster:
    """Orthophoto of the whole area at `res` metres per pixel, with a pyramid for distant views."""

    def __init__(self, layout: Layout, state: SiteState, res: float = 0.05):
        self.layout, self.state, self.res = layout, state, res
        self.levels: list[Image] = [_render_world(layout, state, res)]

    def level_for(self, gsd: float) -> tuple[Image, float]:
        level, res = 0, self.res
        while gsd > 1.6 * res:
            level += 1
            res *= 2
            if len(self.levels) <= level:
                self.levels.append(cv2.pyrDown(self.levels[-1]))
        return self.levels[level], res

    def pixel_to_ground(self, res: float) -> npt.NDArray[np.float64]:
        size = self.layout.size_m
        return np.array([[res, 0, 0.5 * res], [0, -res, size - 0.5 * res], [0, 0, 1]], dtype=np.float64)

    def photograph(self, intr: Intrinsics, pose: Pose) -> Image:
        h = ground_to_image(intr, pose)
        gsd = 2 * pose.altitude * math.tan(math.atan(intr.width / 2 / intr.fx)) / intr.width
        img, res = self.level_for(gsd)
        m = h @ self.pixel_to_ground(res)
        out = cv2.warpPerspective(
            img, m, (intr.width, intr.height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        return out


def _to_px(points: npt.ArrayLike, size: float, res: float) -> npt.NDArray[np.int32]:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    u = pts[:, 0] / res - 0.5
    v = (size - pts[:, 1]) / res - 0.5
    return np.round(np.column_stack([u, v]) * SCALE).astype(np.int32)


def _noise(
    rng: np.random.Generator, shape: tuple[int, int], cell: int, amp: float
) -> npt.NDArray[np.float32]:
    small = rng.normal(0, amp, (max(2, shape[0] // cell), max(2, shape[1] // cell))).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _fill(img: Image, pts: npt.NDArray[np.int32], colour: tuple[int, int, int]) -> None:
    cv2.fillPoly(img, [pts], colour, lineType=cv2.LINE_AA, shift=SHIFT)


def _shadow_offset(state: SiteState, height: float) -> tuple[float, float]:
    az = math.radians(state.lighting.sun_azimuth_deg)
    length = height * state.lighting.shadow_factor
    return -math.sin(az) * length, -math.cos(az) * length


def _shadow_poly(rect: Rect, offset: tuple[float, float]) -> npt.NDArray[np.float64]:
    corners = rect.corners()
    pts = np.vstack([corners, corners + offset]).astype(np.float32)
    return cv2.convexHull(pts).reshape(-1, 2).astype(np.float64)


def _draw_structure(img: Image, s: Structure, size: float, res: float, rng: np.random.Generator) -> None:
    pts = _to_px(s.rect.corners(), size, res)
    _fill(img, pts, s.colour)
    corners = s.rect.corners()
    if s.kind.startswith("shed"):
        # Corrugation ridges across the short side, a ridge cap along the long side.
        long_axis = 0 if s.rect.w >= s.rect.h else 1
        a, b = (corners[0], corners[1]) if long_axis == 0 else (corners[0], corners[3])
        c = corners[3] if long_axis == 0 else corners[1]
        length = np.linalg.norm(b - a)
        pitch = rng.uniform(0.25, 0.4)
        for t in np.arange(pitch / 2, length, pitch):
            p0 = a + (b - a) * (t / length)
            p1 = p0 + (c - a)
            shade = 0.82 if int(t / pitch) % 2 else 1.08
            col = tuple(int(np.clip(v * shade, 0, 255)) for v in s.colour)
            cv2.line(
                img,
                tuple(_to_px(p0, size, res)[0]),
                tuple(_to_px(p1, size, res)[0]),
                col,
                max(1, int(round(0.12 / res))),
                cv2.LINE_AA,
                SHIFT,
            )
        mid0, mid1 = (a + c) / 2, (b + c + b - a) / 2 - (b - a) / 2 + (b - a) / 2
        mid1 = mid0 + (b - a)
        dark = tuple(int(v * 0.7) for v in s.colour)
        cv2.line(
            img,
            tuple(_to_px(mid0, size, res)[0]),
            tuple(_to_px(mid1, size, res)[0]),
            dark,
            max(1, int(round(0.15 / res))),
            cv2.LINE_AA,
            SHIFT,
        )
    else:
        inner = Rect(s.rect.e, s.rect.n, s.rect.w - 0.5, s.rect.h - 0.5, s.rect.angle)
        light = tuple(int(min(255, v * 1.15)) for v in s.colour)
        _fill(img, _to_px(inner.corners(), size, res), light)
        for k in range(int(rng.integers(0, 3))):  # a window or vent on the roof
            vent = Rect(s.rect.e + rng.uniform(-1, 1), s.rect.n + rng.uniform(-1, 1), 0.8, 0.6, s.rect.angle)
            _fill(img, _to_px(vent.corners(), size, res), (70 + 10 * k, 70, 70))
    cv2.polylines(
        img, [pts], True, tuple(int(v * 0.6) for v in s.colour), max(1, int(0.1 / res)), cv2.LINE_AA, SHIFT
    )


def _render_world(layout: Layout, state: SiteState, res: float) -> Image:
    size = layout.size_m
    n_px = int(round(size / res))
    rng = np.random.default_rng([layout.seed, 7002])  # static texture: the same on every date
    base = np.array([120, 126, 130], np.float32) + rng.uniform(-8, 8, 3).astype(np.float32)
    ground = np.empty((n_px, n_px, 3), np.float32)
    blotch = _noise(rng, (n_px, n_px), 60, 12)
    for ch in range(3):
        ground[..., ch] = base[ch] + blotch
    img = np.clip(ground, 0, 255).astype(np.uint8)
    # Grass patches.
    for _ in range(int(rng.integers(4, 10))):
        e, n = rng.uniform(0, size, 2)
        r = Rect(float(e), float(n), float(rng.uniform(5, 25)), float(rng.uniform(5, 25)))
        _fill(
            img,
            _to_px(r.corners(), size, res),
            (int(rng.integers(50, 70)), int(rng.integers(110, 140)), int(rng.integers(80, 100))),
        )
    # Roads with dashed centre lines.
    asphalt = (int(rng.integers(60, 80)),) * 3
    for centre, width in layout.roads_e:
        _fill(img, _to_px(Rect(centre, size / 2, width, size * 2).corners(), size, res), asphalt)
        for n in np.arange(0, size, 6.0):
            _fill(img, _to_px(Rect(centre, n, 0.15, 3.0).corners(), size, res), (220, 220, 220))
    for centre, width in layout.roads_n:
        _fill(img, _to_px(Rect(size / 2, centre, size * 2, width).corners(), size, res), asphalt)
        for e in np.arange(0, size, 6.0):
            _fill(img, _to_px(Rect(e, centre, 3.0, 0.15).corners(), size, res), (220, 220, 220))
    # Building shadows (depend on the date's sun), then roofs.
    shadow = np.zeros((n_px, n_px), np.uint8)
    for b in layout.buildings:
        off = _shadow_offset(state, b.height_m)
        cv2.fillPoly(shadow, [_to_px(_shadow_poly(b.roof, off), size, res)], 255, cv2.LINE_AA, SHIFT)
    for t in layout.trees:
        off = _shadow_offset(state, 6.0)
        cv2.circle(
            shadow,
            tuple(_to_px((t[0] + off[0] * 0.5, t[1] + off[1] * 0.5), size, res)[0]),
            int(t[2] / res * SCALE),
            255,
            -1,
            cv2.LINE_AA,
            SHIFT,
        )
    # Fine grain on ground and asphalt (gravel, cracks, stains): real ground is never flat colour.
    img = np.clip(
        img.astype(np.float32)
        + (_noise(rng, (n_px, n_px), 3, 5) + _noise(rng, (n_px, n_px), 12, 4))[..., None],
        0,
        255,
    ).astype(np.uint8)
    roof_layer = img.copy()
    for b in layout.buildings:
        pts = _to_px(b.roof.corners(), size, res)
        _fill(roof_layer, pts, b.roof_colour)
    # Roof texture: stains and fine grain, fixed per area.
    grain = _noise(rng, (n_px, n_px), 8, 6) + _noise(rng, (n_px, n_px), 2, 4)
    roof_mask = np.zeros((n_px, n_px), np.uint8)
    for b in layout.buildings:
        cv2.fillPoly(roof_mask, [_to_px(b.roof.corners(), size, res)], 255, cv2.LINE_AA, SHIFT)
    rm = roof_mask.astype(np.float32)[..., None] / 255.0
    sm = (shadow.astype(np.float32)[..., None] / 255.0) * (1 - rm)
    out = img.astype(np.float32) * (1 - rm) + roof_layer.astype(np.float32) * rm
    out += (grain * rm[..., 0])[..., None]
    out *= 1 - state.lighting.shadow_strength * sm
    img = np.clip(out, 0, 255).astype(np.uint8)
    for b in layout.buildings:
        pts = _to_px(b.roof.corners(), size, res)
        edge = tuple(int(v * 0.75) for v in b.roof_colour)
        cv2.polylines(img, [pts], True, edge, max(1, int(b.parapet_m / res)), cv2.LINE_AA, SHIFT)
        for c in b.clutter:
            _draw_clutter(img, c, b, size, res, state)
    srng = np.random.default_rng([layout.seed, 7003])
    for s in sorted(state.structures, key=lambda s: s.sid):
        off = _shadow_offset(state, 2.6 if s.kind.startswith("shed") else 3.0)
        sh = _to_px(_shadow_poly(s.rect, (off[0] * 0.5, off[1] * 0.5)), size, res)
        mask = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(mask, [sh], 255, cv2.LINE_AA, SHIFT)
        x, y, w, h = cv2.boundingRect(sh // SCALE)
        roi = (slice(max(0, y - 2), y + h + 2), slice(max(0, x - 2), x + w + 2))
        m = mask[roi].astype(np.float32)[..., None] / 255.0
        img[roi] = np.clip(img[roi] * (1 - state.lighting.shadow_strength * 0.8 * m), 0, 255).astype(np.uint8)
        _draw_structure(img, s, size, res, np.random.default_rng([layout.seed, 7004, s.sid]))
    for t in layout.trees:
        centre = tuple(_to_px(t[:2], size, res)[0])
        green = (int(srng.integers(30, 60)), int(srng.integers(90, 120)), int(srng.integers(40, 70)))
        cv2.circle(img, centre, int(t[2] / res * SCALE), green, -1, cv2.LINE_AA, SHIFT)
        cv2.circle(
            img,
            centre,
            int(t[2] * 0.6 / res * SCALE),
            tuple(int(v * 0.8) for v in green),
            -1,
            cv2.LINE_AA,
            SHIFT,
        )
    return _apply_light(img, state.lighting)


def _draw_clutter(img: Image, c, b, size: float, res: float, state: SiteState) -> None:  # noqa: ANN001
    pts = _to_px(c.rect.corners(), size, res)
    if c.kind == "stairwell":
        off = _shadow_offset(state, 3.0)
        sh = _to_px(_shadow_poly(c.rect, (off[0] * 0.4, off[1] * 0.4)), size, res)
        dark = tuple(int(v * (1 - state.lighting.shadow_strength)) for v in b.roof_colour)
        _fill(img, sh, dark)
        _fill(img, pts, tuple(int(min(255, v * 1.08)) for v in b.roof_colour))
        cv2.polylines(
            img,
            [pts],
            True,
            tuple(int(v * 0.8) for v in b.roof_colour),
            max(1, int(0.2 / res)),
            cv2.LINE_AA,
            SHIFT,
        )
    elif c.kind == "ac":
        _fill(img, pts, c.colour)
        centre = tuple(_to_px((c.rect.e, c.rect.n), size, res)[0])
        cv2.circle(img, centre, int(0.3 / res * SCALE), (60, 60, 60), -1, cv2.LINE_AA, SHIFT)
    elif c.kind == "tank":
        centre = tuple(_to_px((c.rect.e, c.rect.n), size, res)[0])
        r = int(c.rect.w / 2 / res * SCALE)
        cv2.circle(img, centre, r, c.colour, -1, cv2.LINE_AA, SHIFT)
        cv2.circle(
            img,
            centre,
            int(r * 0.7),
            tuple(int(v * 0.85) for v in c.colour),
            max(1, int(0.08 / res)),
            cv2.LINE_AA,
            SHIFT,
        )
    elif c.kind == "solar":
        _fill(img, pts, c.colour)
        corners = c.rect.corners()
        for t in np.arange(1.0, c.rect.w, 1.0):
            p0 = corners[0] + (corners[1] - corners[0]) * t / c.rect.w
            p1 = p0 + (corners[3] - corners[0])
            cv2.line(
                img,
                tuple(_to_px(p0, size, res)[0]),
                tuple(_to_px(p1, size, res)[0]),
                (160, 150, 150),
                1,
                cv2.LINE_AA,
                SHIFT,
            )
        for t in np.arange(1.7, c.rect.h, 1.7):
            p0 = corners[0] + (corners[3] - corners[0]) * t / c.rect.h
            p1 = p0 + (corners[1] - corners[0])
            cv2.line(
                img,
                tuple(_to_px(p0, size, res)[0]),
                tuple(_to_px(p1, size, res)[0]),
                (160, 150, 150),
                1,
                cv2.LINE_AA,
                SHIFT,
            )


def _apply_light(img: Image, light: Lighting) -> Image:
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** light.gamma * light.gain, 0, 255)
    out = cv2.LUT(img, lut.astype(np.uint8))
    cast = np.array(light.cast, np.float32)
    if np.allclose(cast, 1.0):
        return out
    return np.clip(out.astype(np.float32) * cast, 0, 255).astype(np.uint8)


def camera_effects(img: Image, rng: np.random.Generator, noise: float | None = None) -> Image:
    """Sensor noise, a little blur and vignetting (not JPEG: the writer compresses)."""
    sigma = float(rng.uniform(1.0, 4.0)) if noise is None else noise
    out = img.astype(np.float32)
    blur = rng.uniform(0, 0.9)
    if blur > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    h, w = img.shape[:2]
    out *= (1 - rng.uniform(0.0, 0.15) * _radius2(h, w) / 2)[..., None]
    out += rng.normal(0, sigma, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


@lru_cache(maxsize=4)
def _radius2(h: int, w: int) -> npt.NDArray[np.float32]:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2


def video_effects(img: Image, rng: np.random.Generator, noise: float = 1.5) -> Image:
    """Cheaper per-frame effects for long videos: fixed vignette, OpenCV's seeded Gaussian noise."""
    vignette = 1 - 0.04 * _radius2(*img.shape[:2])
    out = cv2.multiply(img.astype(np.float32), cv2.merge([vignette] * 3))
    grain = np.empty(img.shape, np.float32)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(grain, 0.0, noise)
    return cv2.add(out, grain).clip(0, 255).astype(np.uint8)
