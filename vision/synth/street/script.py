"""Scripting a scenario: piecewise-linear ground tracks, actors, the scenario value (scene at time t,
ground truth) and the helpers builders share (zone polygons from ground rectangles, shop rows, cars).

The ground-truth format is described in `vision.synth.street.scenarios`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from vision.synth.street.actors import Car, CarBody, Person, Stall, Truck
from vision.synth.street.camera import PoleCamera
from vision.synth.street.layout import Shop, StreetLayout
from vision.synth.street.plates import random_plate
from vision.synth.street.scene import Conditions, StreetScene, Table, WindowOverlay
from vision.synth.street.vending import Shopper, Vendor

FORMAT = "enforce-street-scenario/1"


@dataclass(frozen=True)
class Track:
    """Piecewise-linear ground path: (t, x, z) keyframes; the thing exists from the first to the last."""

    keys: tuple[tuple[float, float, float], ...]

    @property
    def first(self) -> float:
        return self.keys[0][0]

    @property
    def last(self) -> float:
        return self.keys[-1][0]

    def at(self, t: float) -> tuple[float, float, float | None] | None:
        """(x, z, heading in degrees or None when standing still) at time t, or None outside the track."""
        if t < self.first or t > self.last:
            return None
        for (t0, x0, z0), (t1, x1, z1) in zip(self.keys, self.keys[1:], strict=False):
            if t0 <= t <= t1:
                f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
                x, z = x0 + (x1 - x0) * f, z0 + (z1 - z0) * f
                dx, dz = x1 - x0, z1 - z0
                heading = float(np.degrees(np.arctan2(dx, dz))) if abs(dx) + abs(dz) > 1e-6 else None
                return x, z, heading
        _, x, z = self.keys[-1]
        return x, z, None


@dataclass(frozen=True)
class Actor:
    id: str
    thing: Car | Truck | Person | Stall | Vendor | Shopper
    track: Track
    role: str
    lit_from: float = 0.0  # stalls: fire and smoke from this time
    indoor: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    seed: int
    layout: StreetLayout
    actors: tuple[Actor, ...]
    duration_s: float
    camera: dict[str, object]
    violations: list[dict[str, object]]
    negatives: list[dict[str, object]]
    fps: int = 10
    tables: tuple[Table, ...] = ()
    windows: tuple[WindowOverlay, ...] = ()
    conditions: Conditions = field(default_factory=lambda: Conditions(noise_sigma=1.5, jpeg_quality=90))

    @property
    def frames(self) -> int:
        return int(round(self.duration_s * self.fps))

    def scene_at(self, t: float) -> StreetScene:
        cars, trucks, people, stalls = [], [], [], []
        trade: list[Vendor | Shopper] = []
        for actor in self.actors:
            pos = actor.track.at(t)
            if pos is None:
                continue
            x, z, heading = pos
            if heading is None:
                heading = _last_heading(actor, t)
            thing = actor.thing
            if isinstance(thing, Car):
                cars.append(replace(thing, x=x, z=z, heading_deg=heading))
            elif isinstance(thing, Truck):
                trucks.append(replace(thing, x=x, z=z, heading_deg=heading))
            elif isinstance(thing, Person):
                walked = _distance(actor.track, t)
                people.append(replace(thing, x=x, z=z, phase=(walked / 1.4) % 1.0))
            elif isinstance(thing, Vendor):
                moving = pos[2] is not None
                trade.append(replace(thing, x=x, z=z, heading=heading if moving else thing.heading))
            elif isinstance(thing, Shopper):
                walked = _distance(actor.track, t)
                trade.append(replace(thing, person=replace(thing.person, x=x, z=z, phase=(walked / 1.4) % 1.0)))
            else:
                lit = t >= actor.lit_from
                stalls.append(replace(thing, x=x, z=z, smoke=lit and thing.smoke, flame=lit and thing.flame))
        trail = 0.0
        for actor in self.actors:
            if isinstance(actor.thing, Truck) and actor.thing.muddy:
                trail = min(18.0, _distance(actor.track, t))
        return StreetScene(
            self.layout,
            tuple(cars),
            tuple(trucks),
            tuple(people),
            tuple(stalls),
            self.tables,
            self.windows,
            trade=tuple(trade),
            conditions=self.conditions,
            trail_m=max(trail, 0.1),
        )

    def ground_truth(self, video_name: str) -> dict[str, object]:
        objects = []
        for a in self.actors:
            plate = getattr(a.thing, "plate", None)
            objects.append(
                {
                    "id": a.id,
                    "label": _label(a.thing),
                    "plate": plate.text if plate else None,
                    "role": a.role,
                    "first_s": a.track.first,
                    "last_s": a.track.last,
                }
            )
        camera = dict(self.camera)
        camera["source"] = f"file:{video_name}"
        return {
            "format": FORMAT,
            "scenario": self.name,
            "seed": self.seed,
            "video": video_name,
            "fps": self.fps,
            "frames": self.frames,
            "duration_s": self.duration_s,
            "width": self.layout.camera.width,
            "height": self.layout.camera.height,
            "camera": camera,
            "objects": objects,
            "violations": self.violations,
            "negatives": self.negatives,
        }


def _label(thing: object) -> str:
    if isinstance(thing, Vendor):
        return "vending_stall" if thing.labelled else "vendor_without_goods"
    return {Car: "vehicle", Truck: "truck", Person: "person", Shopper: "person", Stall: "grill"}[type(thing)]


def _distance(track: Track, t: float) -> float:
    total = 0.0
    for (t0, x0, z0), (t1, x1, z1) in zip(track.keys, track.keys[1:], strict=False):
        if t <= t0:
            break
        f = 1.0 if t >= t1 else (t - t0) / max(t1 - t0, 1e-9)
        total += float(np.hypot(x1 - x0, z1 - z0)) * f
    return total


def _last_heading(actor: Actor, t: float) -> float:
    heading = float(getattr(actor.thing, "heading_deg", 0.0))
    for (t0, x0, z0), (_t1, x1, z1) in zip(actor.track.keys, actor.track.keys[1:], strict=False):
        if t0 > t:
            break
        if abs(x1 - x0) + abs(z1 - z0) > 1e-6:
            heading = float(np.degrees(np.arctan2(x1 - x0, z1 - z0)))
    return heading


# ---- zones ---------------------------------------------------------------------------------------


def ground_zone(camera: PoleCamera, x0: float, x1: float, z0: float, z1: float) -> list[list[float]]:
    """The normalised image polygon of a ground rectangle, clipped to the image."""
    pts, _ = camera.project(np.array([[x0, 0, z0], [x1, 0, z0], [x1, 0, z1], [x0, 0, z1]], np.float64))
    poly = [(float(u) / camera.width, float(v) / camera.height) for u, v in pts]
    poly = _clip_unit(poly)
    return [[round(x, 3), round(y, 3)] for x, y in poly]


def _clip_unit(poly: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clip against [0, 1] x [0, 1]."""

    def clip(
        points: list[tuple[float, float]], axis: int, bound: float, keep_less: bool
    ) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            cin = cur[axis] <= bound if keep_less else cur[axis] >= bound
            pin = prev[axis] <= bound if keep_less else prev[axis] >= bound
            if cin != pin:
                f = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + (cur[0] - prev[0]) * f, prev[1] + (cur[1] - prev[1]) * f))
            if cin:
                out.append(cur)
        return out

    for axis in (0, 1):
        poly = clip(poly, axis, 0.0, False)
        poly = clip(poly, axis, 1.0, True)
    return poly


def location(address: str, grid: str, unit: str, lat: float, lon: float) -> dict[str, object]:
    return {"lat": lat, "lon": lon, "address": address, "grid_code": grid, "responsible_unit": unit}


def shop_row(rng: np.random.Generator, names: list[str], side_lengths: float = 8.0) -> tuple[Shop, ...]:
    out = []
    for side in (-1, 1):
        z = -4.0
        k = 0
        while z < 150:
            out.append(
                Shop(
                    side,
                    z,
                    z + side_lengths,
                    wall=tuple(int(c) for c in rng.integers(90, 220, 3)),  # type: ignore[arg-type]
                    sign=tuple(int(c) for c in rng.integers(30, 200, 3)),  # type: ignore[arg-type]
                    name=names[(k + (side > 0) * 3) % len(names)],
                    window_lit=True,
                )
            )
            z += side_lengths
            k += 1
    return tuple(out)


def make_car(
    rng: np.random.Generator,
    body: CarBody = "sedan",
    colour: tuple[int, int, int] | None = None,
    green: bool = False,
) -> Car:
    colours = [(240, 240, 240), (20, 20, 20), (160, 160, 165), (40, 40, 170), (150, 80, 20), (30, 120, 200)]
    return Car(
        0.0,
        0.0,
        180.0,
        body,
        colour or colours[int(rng.integers(0, len(colours)))],  # type: ignore[arg-type]
        random_plate(rng, "green" if green else "blue"),
    )
