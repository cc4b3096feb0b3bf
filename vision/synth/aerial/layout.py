"""The static layout of a survey area: roads, buildings, roof clutter and places where sheds can go.

Coordinates are metres east/north of the area's south-west corner. Buildings are axis-aligned in the
world; flights see them rotated because the drone's yaw varies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from vision.geometry.geo import LocalFrame

STRUCTURE_KINDS = ("shed_blue", "shed_white", "added_room")


@dataclass(frozen=True)
class Rect:
    """Centre, size and rotation (degrees, counter-clockwise) in metres."""

    e: float
    n: float
    w: float  # along east before rotation
    h: float  # along north before rotation
    angle: float = 0.0

    def corners(self) -> np.ndarray:
        a = math.radians(self.angle)
        c, s = math.cos(a), math.sin(a)
        half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64) * [self.w / 2, self.h / 2]
        rot = np.array([[c, -s], [s, c]])
        return half @ rot.T + [self.e, self.n]

    def bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        pts = self.corners()
        return (
            pts[:, 0].min() - margin,
            pts[:, 1].min() - margin,
            pts[:, 0].max() + margin,
            pts[:, 1].max() + margin,
        )

    @property
    def area(self) -> float:
        return self.w * self.h


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class Clutter:
    kind: str  # ac / tank / solar / stairwell
    rect: Rect
    colour: tuple[int, int, int]  # BGR


@dataclass(frozen=True)
class Structure:
    """A rooftop structure (the thing to find): corrugated-steel shed or added room."""

    sid: int
    kind: str
    rect: Rect
    colour: tuple[int, int, int]
    building: int

    @property
    def area_m2(self) -> float:
        return self.rect.area


@dataclass(frozen=True)
class Building:
    bid: int
    roof: Rect
    roof_colour: tuple[int, int, int]
    height_m: float
    parapet_m: float
    clutter: tuple[Clutter, ...]


@dataclass(frozen=True)
class Layout:
    seed: int
    size_m: float  # the rendered world is size_m x size_m
    survey_margin_m: float  # the survey polygon is the world minus this margin
    origin: LocalFrame  # lat/lon of the south-west corner
    roads_e: tuple[tuple[float, float], ...]  # (centre, width) of north-south roads
    roads_n: tuple[tuple[float, float], ...]
    buildings: tuple[Building, ...]
    candidates: tuple[Structure, ...]  # disjoint places where structures can appear
    trees: tuple[tuple[float, float, float], ...] = field(default=())  # e, n, radius

    def survey_polygon_latlon(self) -> list[tuple[float, float]]:
        m, s = self.survey_margin_m, self.size_m - self.survey_margin_m
        return [self.origin.to_latlon(e, n) for e, n in ((m, m), (s, m), (s, s), (m, s))]


ROOF_COLOURS = [
    (170, 172, 175),
    (150, 160, 168),
    (120, 130, 140),
    (165, 180, 190),
    (110, 120, 150),
    (185, 185, 180),
    (140, 140, 135),
    (95, 105, 115),
]


def _structure_colour(kind: str, rng: np.random.Generator) -> tuple[int, int, int]:
    if kind == "shed_blue":
        return (int(rng.integers(150, 200)), int(rng.integers(80, 120)), int(rng.integers(20, 60)))
    if kind == "shed_white":
        v = int(rng.integers(215, 245))
        return (v, v - int(rng.integers(0, 8)), v - int(rng.integers(0, 10)))
    tone = [(60, 90, 160), (80, 120, 170), (130, 140, 150), (50, 70, 130)][int(rng.integers(4))]
    return tone


def _place(
    rng: np.random.Generator, roof: Rect, w: float, h: float, taken: list, margin: float, angle: float = 0.0
) -> Rect | None:
    for _ in range(25):
        e = (
            rng.uniform(roof.e - roof.w / 2 + w / 2 + 1.0, roof.e + roof.w / 2 - w / 2 - 1.0)
            if roof.w > w + 2.0
            else None
        )
        n = (
            rng.uniform(roof.n - roof.h / 2 + h / 2 + 1.0, roof.n + roof.h / 2 - h / 2 - 1.0)
            if roof.h > h + 2.0
            else None
        )
        if e is None or n is None:
            return None
        rect = Rect(float(e), float(n), w, h, angle)
        b = rect.bounds(margin)
        if all(not _overlaps(b, t) for t in taken):
            taken.append(rect.bounds(0.0))
            return rect
    return None


def generate_layout(
    seed: int, size_m: float = 160.0, survey_margin_m: float = 20.0, origin: tuple[float, float] | None = None
) -> Layout:
    rng = np.random.default_rng([seed, 7001])
    if origin is None:
        origin = (30.2 + rng.uniform(-0.05, 0.05), 120.1 + rng.uniform(-0.05, 0.05))
    frame = LocalFrame(*origin)
    # Road grid: blocks of 45-70 m.
    roads_e: list[tuple[float, float]] = []
    roads_n: list[tuple[float, float]] = []
    for roads in (roads_e, roads_n):
        pos = rng.uniform(-10, 15)
        while pos < size_m + 30:
            roads.append((float(pos), float(rng.uniform(9, 15))))
            pos += rng.uniform(45, 70)
    buildings: list[Building] = []
    candidates: list[Structure] = []
    trees: list[tuple[float, float, float]] = []

    def block_edges(roads: list[tuple[float, float]]) -> list[tuple[float, float]]:
        edges = [(-30.0, -30.0)] + roads + [(size_m + 60, 0.0)]
        out = []
        for (c1, w1), (c2, w2) in zip(edges, edges[1:], strict=False):
            lo, hi = c1 + w1 / 2 + 3.0, c2 - w2 / 2 - 3.0
            if hi - lo > 12:
                out.append((lo, hi))
        return out

    bid = 0
    sid = 0
    for e_lo, e_hi in block_edges(roads_e):
        for n_lo, n_hi in block_edges(roads_n):
            # Split the block into 1-3 building columns and 1-2 rows.
            cols = int(rng.integers(1, 4)) if e_hi - e_lo > 40 else 1
            rows = int(rng.integers(1, 3)) if n_hi - n_lo > 40 else 1
            ce = np.linspace(e_lo, e_hi, cols + 1)
            cn = np.linspace(n_lo, n_hi, rows + 1)
            for i in range(cols):
                for j in range(rows):
                    gap = rng.uniform(2.0, 6.0)
                    e0, e1 = max(ce[i], 1.0), min(ce[i + 1], size_m - 1.0)  # roofs stay inside the world
                    n0, n1 = max(cn[j], 1.0), min(cn[j + 1], size_m - 1.0)
                    w = (e1 - e0) - gap
                    h = (n1 - n0) - gap
                    if w < 12 or h < 12:
                        trees.append((float((ce[i] + ce[i + 1]) / 2), float((cn[j] + cn[j + 1]) / 2), 4.0))
                        continue
                    w, h = min(w, rng.uniform(18, 45)), min(h, rng.uniform(18, 45))
                    roof = Rect(
                        float(rng.uniform(e0 + w / 2 + gap / 2, e1 - w / 2 - gap / 2 + 1e-6)),
                        float(rng.uniform(n0 + h / 2 + gap / 2, n1 - h / 2 - gap / 2 + 1e-6)),
                        float(w),
                        float(h),
                    )
                    taken: list[tuple[float, float, float, float]] = []
                    clutter: list[Clutter] = []
                    if rng.random() < 0.8:  # stairwell: a legitimate roof box, same tone as the roof
                        r = _place(
                            rng, roof, float(rng.uniform(3, 4.5)), float(rng.uniform(3, 5)), taken, 1.0
                        )
                        if r:
                            clutter.append(Clutter("stairwell", r, (0, 0, 0)))
                    for _ in range(int(rng.integers(0, 7))):
                        r = _place(rng, roof, 1.0, 0.8, taken, 0.3)
                        if r:
                            clutter.append(Clutter("ac", r, (200, 200, 200)))
                    for _ in range(int(rng.integers(0, 3))):
                        d = float(rng.uniform(1.5, 2.6))
                        r = _place(rng, roof, d, d, taken, 0.4)
                        if r:
                            tank = [(215, 215, 220), (170, 110, 40), (190, 190, 190)][int(rng.integers(3))]
                            clutter.append(Clutter("tank", r, tank))
                    if rng.random() < 0.35:
                        r = _place(
                            rng, roof, float(rng.uniform(4, 9)), float(rng.uniform(3.4, 6.8)), taken, 0.6
                        )
                        if r:
                            clutter.append(Clutter("solar", r, (90, 50, 30)))
                    for _ in range(3):
                        kind = STRUCTURE_KINDS[int(rng.integers(3))]
                        sw, sh = float(rng.uniform(3, 9)), float(rng.uniform(3, 7))
                        angle = float(rng.uniform(-8, 8)) if rng.random() < 0.3 else 0.0
                        r = _place(rng, roof, sw, sh, taken, 1.2, angle)
                        if r:
                            candidates.append(Structure(sid, kind, r, _structure_colour(kind, rng), bid))
                            sid += 1
                    colour = ROOF_COLOURS[int(rng.integers(len(ROOF_COLOURS)))]
                    cb, cg, cr = (int(np.clip(c + rng.integers(-12, 12), 0, 255)) for c in colour)
                    colour = (cb, cg, cr)
                    buildings.append(
                        Building(
                            bid,
                            roof,
                            colour,
                            float(rng.uniform(12, 40)),
                            float(rng.uniform(0.3, 0.6)),
                            tuple(clutter),
                        )
                    )
                    bid += 1
    for _ in range(int(rng.integers(10, 30))):
        trees.append(
            (float(rng.uniform(0, size_m)), float(rng.uniform(0, size_m)), float(rng.uniform(1.5, 4)))
        )
    # Trees never cover roofs.
    trees = [
        t
        for t in trees
        if not any(
            _overlaps((t[0] - t[2], t[1] - t[2], t[0] + t[2], t[1] + t[2]), b.roof.bounds(0.5))
            for b in buildings
        )
    ]
    return Layout(
        seed,
        size_m,
        survey_margin_m,
        frame,
        tuple(roads_e),
        tuple(roads_n),
        tuple(buildings),
        tuple(candidates),
        tuple(trees),
    )
