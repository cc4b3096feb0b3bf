"""Street trade: vendors' carts, tricycles, stalls and mats (with or without goods) and shoppers with bags.

A vendor with goods on it is labelled `vending_stall` (the detector class); the same cart or tricycle
without goods is drawn unlabelled, so the detector learns that goods make a stall. Delivery cartons
are goods too: a delivery is told from vending by how long it stays, not by its looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from vision.synth.common.rng import make_rng
from vision.synth.street.actors import Person, _box_corners, _draw_box, _shade, _wheels, draw_person
from vision.synth.street.canvas import Canvas, Colour

VendorStyle = Literal["cart", "tricycle", "stall", "mat"]
Goods = Literal["produce", "wares", "cartons", "none"]
LABEL = "vending_stall"

_PRODUCE = [(40, 40, 200), (30, 140, 240), (40, 200, 240), (50, 160, 60), (30, 90, 30), (90, 60, 160), (60, 200, 120)]
_WARES = [(200, 60, 40), (230, 230, 230), (40, 40, 40), (160, 40, 160), (200, 170, 60), (120, 200, 230)]
_CARTON = [(90, 140, 190), (110, 160, 205), (80, 120, 165)]


@dataclass(frozen=True)
class Vendor:
    """A vendor's cart, cargo tricycle, folding stall or ground mat; `goods` 'none' is a bare one."""

    x: float
    z: float
    style: VendorStyle
    goods: Goods
    body: Colour
    canopy: Colour | None = None  # umbrella over carts and stalls
    heading: float = 90.0  # along the street, like the grill
    seed: int = 0  # goods layout and colour jitter
    brightness: float = 1.0  # photometric variety: a stall in shade or in the sun

    @property
    def labelled(self) -> bool:
        return self.goods != "none"


@dataclass(frozen=True)
class Shopper:
    """A person carrying a shopping bag (a hard negative: goods in the hand are no stall)."""

    person: Person
    bag: Colour
    side: float = 1.0  # which hand

    @property
    def x(self) -> float:
        return self.person.x

    @property
    def z(self) -> float:
        return self.person.z


def _goods(
    canvas: Canvas, vendor: Vendor, cx: float, cz: float, y: float, length: float, width: float, eid: int
) -> None:
    """Goods piled on a surface at height `y`: many small items in varied colours (cartons: few big ones)."""
    rng = make_rng(vendor.seed, "goods")
    if vendor.goods == "cartons":
        palette, n, size, rows = _CARTON, int(rng.integers(3, 7)), (0.3, 0.45), 2
    else:
        palette = _PRODUCE if vendor.goods == "produce" else _WARES
        n, size, rows = int(rng.integers(14, 30)), (0.07, 0.16), 4
    heap = 0.0
    for k in range(n):
        u = float(rng.uniform(-0.45, 0.45)) * length
        v = float(rng.uniform(-0.4, 0.4)) * width
        s = float(rng.uniform(*size))
        lift = heap * (k % rows) / rows
        colour = palette[int(rng.integers(0, len(palette)))]
        colour = _shade(colour, vendor.brightness * float(rng.uniform(0.75, 1.2)))
        corners = _box_corners(cx + u, cz + v, vendor.heading + float(rng.normal(0, 10)), s, s, y + lift, y + lift + s)
        _draw_box(canvas, corners, vendor.heading, colour, eid)
        heap = max(heap, s * 0.6)


def _canopy(canvas: Canvas, vendor: Vendor, cx: float, cz: float, top: float, span: float) -> None:
    if vendor.canopy is None:
        return
    pole = [[cx - 0.02, 0.0, cz], [cx + 0.02, 0.0, cz], [cx + 0.02, top, cz], [cx - 0.02, top, cz]]
    canvas.poly(pole, (70, 70, 70))
    r = span / 2
    colour = _shade(vendor.canopy, vendor.brightness)
    low = top - 0.25
    canvas.poly([[cx - r, top, cz - r], [cx + r, top, cz - r], [cx + r, low, cz + r], [cx - r, low, cz + r]], colour)
    hem = top - 0.3
    valance = [[cx - r, top, cz - r], [cx - r, hem, cz - r], [cx + r, hem, cz - r], [cx + r, top, cz - r]]
    canvas.poly(valance, _shade(colour, 0.8))


def draw_vendor(canvas: Canvas, vendor: Vendor) -> int:
    """Draw the vendor; returns its entity id (0 when bare, unlabelled)."""
    eid = canvas.entity(LABEL) if vendor.labelled else 0
    x, z, hd = vendor.x, vendor.z, vendor.heading
    body = _shade(vendor.body, vendor.brightness)
    if vendor.style == "mat":
        canvas.poly(_box_corners(x, z, hd, 1.5, 1.0, 0.0, 0.01)[[4, 5, 7, 6]], body, eid)
        if vendor.labelled:
            _goods(canvas, vendor, x, z, 0.01, 1.4, 0.9, eid)
        return eid
    if vendor.style == "stall":
        for lx in (-0.7, 0.7):
            leg = _box_corners(x + lx, z, hd, 0.04, 0.04, 0.0, 0.75)
            _draw_box(canvas, leg, hd, (60, 60, 60), eid)
        _draw_box(canvas, _box_corners(x, z, hd, 1.6, 0.7, 0.7, 0.76), hd, body, eid)
        if vendor.labelled:
            _goods(canvas, vendor, x, z, 0.76, 1.5, 0.6, eid)
        _canopy(canvas, vendor, x, z + 0.4, 2.1, 1.9)
        return eid
    if vendor.style == "cart":
        _wheels(canvas, x, z, hd, 1.3, 0.8, 0.22, (0.0,), (30, 30, 30), eid)
        _draw_box(canvas, _box_corners(x, z, hd, 1.3, 0.8, 0.35, 0.9), hd, body, eid)
        if vendor.labelled:
            _goods(canvas, vendor, x, z, 0.9, 1.2, 0.7, eid)
        _canopy(canvas, vendor, x, z, 1.9, 1.6)
        return eid
    # cargo tricycle: an open bed behind a rider's frame
    _wheels(canvas, x, z, hd, 1.9, 0.9, 0.28, (-0.55, 0.75), (25, 25, 25), eid)
    bed = _box_corners(x, z, hd, 1.1, 0.95, 0.5, 0.85, forward=-0.35)
    _draw_box(canvas, bed, hd, body, eid, skip=("top",))
    canvas.poly(bed[[4, 5, 7, 6]] - [0, 0.3, 0], _shade(body, 0.55), eid)  # the bed's floor
    _draw_box(canvas, _box_corners(x, z, hd, 0.6, 0.08, 0.3, 1.0, forward=0.55), hd, (50, 50, 55), eid)
    _draw_box(canvas, _box_corners(x, z, hd, 0.25, 0.6, 1.0, 1.06, forward=0.8), hd, (40, 40, 40), eid)
    if vendor.labelled:
        s, c = np.sin(np.radians(hd)), np.cos(np.radians(hd))
        _goods(canvas, vendor, x - 0.35 * s, z - 0.35 * c, 0.6, 1.0, 0.85, eid)
    return eid


def draw_shopper(canvas: Canvas, shopper: Shopper) -> int:
    """A walking person with a bag hanging from one hand (part of the person's box)."""
    eid = draw_person(canvas, shopper.person)
    p = shopper.person
    (foot, head), z = canvas.camera.project(np.array([[p.x, 0.0, p.z], [p.x, p.height, p.z]]))
    if z[0] <= 0.3:
        return eid
    u = (foot[1] - head[1]) / p.height
    cx = foot[0] + shopper.side * 0.3 * u
    top = foot[1] - 0.75 * u
    low = top + 0.35 * u
    quad = [(cx - 0.14 * u, top), (cx + 0.14 * u, top), (cx + 0.16 * u, low), (cx - 0.16 * u, low)]
    canvas.pixels(np.round(np.array(quad)).astype(np.int32), shopper.bag, eid, float(z[0]) - 0.05)
    return eid
