"""What of a vehicle shows on one frame, when other vehicles stand in front of or behind it.

A vehicle seen whole is compared and located by its whole box. One partly hidden by a vehicle in front
(cars parked nose to tail along a curb, seen along the street: each one's roof and windows stand above
the car in front of it) is still seen clearly where no other vehicle's box reaches, if enough of it
shows (`VISIBLE_SHARE`): its appearance is taken from that part, and compared only with views of the
same part (`same_view`). Its box may be cut where the vehicle in front begins (detectors box what they
see), so only the box's edges in plain view (`VehicleView.free`) say where it stands.

Which box is in front: the one whose bottom edge is lower in the picture (nearer the camera on flat
ground). Boxes whose bottom edges are about level (`LEVEL_SHARE`) and overlap much are two vehicles
side by side, or one vehicle boxed twice: no part of either can be told apart, as before. A vehicle
clearly farther away hides nothing, but where its box covers much of this one's, this one's crop shows
it around the vehicle (`VehicleView.backdrop`): such views are compared only with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from domain.types import Detections
from vision.rules.common import Box, area, ioa

OCCLUDED_SHARE = 0.25  # a box covered this much by another vehicle's box gives no clear view of it whole
IN_FRONT_SHARE = 0.02  # nor does any overlap with a vehicle standing nearer the camera (lower bottom edge)
VISIBLE_SHARE = 0.25  # a partly hidden vehicle is seen clearly if the part clear of the others holds this share
# Two views of a vehicle are compared by appearance only where they show about the same part of its box
# (intersection over union of the parts): the roof and windows above the car in front look nothing like
# the whole car, and that says nothing about whether it is the same one.
SAME_PART_IOU = 0.8
LEVEL_SHARE = 0.1  # of a box's height: another box whose bottom edge is this close stands about as near
EDGE_COVER = 0.25  # a box's edge is hidden where a vehicle in front reaches it along this share of its length
EDGE_MARGIN = 0.05  # of the box's width or height: a hiding box this close to an edge reaches it

Part = tuple[float, float, float, float]  # a rectangle of a box: left, top, right, bottom in shares of it
WHOLE: Part = (0.0, 0.0, 1.0, 1.0)
ALL_FREE = (True, True, True, True)


@dataclass(frozen=True)
class VehicleView:
    """The part of a vehicle's box that shows it alone, which of the box's edges (left, top, right,
    bottom) no vehicle in front reaches, and whether a vehicle behind fills much of the crop."""

    part: Part
    free: tuple[bool, bool, bool, bool] = ALL_FREE
    backdrop: bool = False

    @property
    def whole(self) -> bool:
        """Nothing in front of it: its box and its anchor are the vehicle's own."""
        return self.part == WHOLE and all(self.free)


WHOLE_VIEW = VehicleView(WHOLE)


def _hides(box: Box, other: Box) -> bool:
    share = ioa(box, other)
    return share > OCCLUDED_SHARE or (share > IN_FRONT_SHARE and other[3] > box[3])


def _level(box: Box, other: Box) -> bool:
    return abs(float(other[3]) - float(box[3])) <= LEVEL_SHARE * float(box[3] - box[1])


def _in_front(box: Box, other: Box) -> bool:
    """`other` stands clearly nearer the camera and overlaps `box`: it hides part of it."""
    return not _level(box, other) and other[3] > box[3] and ioa(box, other) > IN_FRONT_SHARE


def _alongside(box: Box, other: Box) -> bool:
    """`other` stands about as near and covers much of `box`: which hides which cannot be told."""
    return _level(box, other) and ioa(box, other) > OCCLUDED_SHARE


def _behind(box: Box, other: Box) -> bool:
    """`other` stands clearly farther away and its box covers much of `box`'s crop."""
    return not _level(box, other) and other[3] < box[3] and ioa(box, other) > OCCLUDED_SHARE


def covered(box: Box, others: Detections, skip: int | None = None) -> bool:
    """Whether another vehicle hides part of `box`: it covers `OCCLUDED_SHARE` of it, or any of it
    while standing nearer the camera (its bottom edge lower in the image), so its pixels are in the crop."""
    return any(_hides(box, others.boxes[i]) for i in range(len(others)) if i != skip)


def _largest_strip_outside(rect: Box, other: Box) -> Box:
    """The largest of the strips of `rect` left of, right of, above and below `other` (`rect` if apart)."""
    x1, y1, x2, y2 = (float(v) for v in rect[:4])
    o1, p1, o2, p2 = (float(v) for v in other[:4])
    if o1 >= x2 or o2 <= x1 or p1 >= y2 or p2 <= y1:
        return rect
    left, right = (x1, y1, min(o1, x2), y2), (max(o2, x1), y1, x2, y2)
    above, below = (x1, y1, x2, min(p1, y2)), (x1, max(p2, y1), x2, y2)
    strips = [left, right, above, below]
    return np.asarray(max(strips, key=lambda r: max(r[2] - r[0], 0.0) * max(r[3] - r[1], 0.0)), np.float32)


def _free_edges(box: Box, hiding: list[Box]) -> tuple[bool, bool, bool, bool]:
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    w, h = max(x2 - x1, 1e-6), max(y2 - y1, 1e-6)
    mx, my = EDGE_MARGIN * w, EDGE_MARGIN * h
    hidden = [False, False, False, False]
    for other in hiding:
        o1, p1, o2, p2 = (float(v) for v in other[:4])
        if max(min(y2, p2) - max(y1, p1), 0.0) >= EDGE_COVER * h:  # beside a good length of the side edges
            hidden[0] |= o1 <= x1 + mx and o2 >= x1 - mx
            hidden[2] |= o1 <= x2 + mx and o2 >= x2 - mx
        if max(min(x2, o2) - max(x1, o1), 0.0) >= EDGE_COVER * w:  # of the top and bottom edges
            hidden[1] |= p1 <= y1 + my and p2 >= y1 - my
            hidden[3] |= p1 <= y2 + my and p2 >= y2 - my
    left, top, right, bottom = (not v for v in hidden)
    return left, top, right, bottom


def view_of(box: Box, others: Detections, skip: int | None = None) -> VehicleView | None:
    """How vehicle `box` (one of `others`, at index `skip`) shows: whole where no vehicle stands in front
    of it; else the largest rectangle of it clear of every box in front, if that holds `VISIBLE_SHARE` of
    the box, with the edges those boxes do not reach; None when too little shows, or when a vehicle
    alongside covers much of it."""
    rest = [others.boxes[i] for i in range(len(others)) if i != skip]
    if any(_alongside(box, other) for other in rest):
        return None
    hiding = [other for other in rest if _in_front(box, other)]
    backdrop = any(_behind(box, other) for other in rest)
    if not hiding:
        return VehicleView(WHOLE, ALL_FREE, backdrop)
    rect = np.asarray(box[:4], np.float32)
    for other in sorted(hiding, key=lambda o: -ioa(box, o)):  # the biggest cut first
        rect = _largest_strip_outside(rect, other)
    whole = area(box)
    if whole <= 0 or area(rect) < VISIBLE_SHARE * whole:
        return None
    return VehicleView(part_of(box, rect), _free_edges(box, hiding), backdrop)


def part_of(box: Box, rect: Box) -> Part:
    """`rect` (inside `box`) in shares of `box`."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    w, h = max(x2 - x1, 1e-6), max(y2 - y1, 1e-6)
    return ((float(rect[0]) - x1) / w, (float(rect[1]) - y1) / h, (float(rect[2]) - x1) / w, (float(rect[3]) - y1) / h)


def part_in(box: Box, part: Part) -> Box:
    """The rectangle `part` of `box`, in pixels."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    w, h = x2 - x1, y2 - y1
    return np.array([x1 + part[0] * w, y1 + part[1] * h, x1 + part[2] * w, y1 + part[3] * h], np.float32)


def same_view(a: VehicleView, b: VehicleView) -> bool:
    """Whether two views' appearances can be compared: about the same part, the same kind of backdrop."""
    return a.backdrop == b.backdrop and same_part(a.part, b.part)


def same_part(a: Part, b: Part) -> bool:
    """Whether two views show about the same part of a vehicle's box (`SAME_PART_IOU`)."""
    inter = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return union > 0 and inter / union >= SAME_PART_IOU
