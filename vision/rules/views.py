"""What of a vehicle shows on one frame, when other vehicles hide part of it.

A vehicle seen whole is compared and located by its whole box. One partly hidden by a vehicle in front
(cars parked nose to tail along a curb, seen along the street: each one's roof and windows stand above
the car in front of it) is still seen clearly where no other vehicle's box reaches, if enough of it
shows (`VISIBLE_SHARE`): its appearance is taken from that part, and compared only with views of the
same part (`same_view`). Its box may be cut where the vehicle in front begins (detectors box what they
see), so only the box's edges in plain view (`VehicleView.free`) say whether it moved.

Which boxes hide part of it: one standing nearer the camera (its bottom edge lower in the picture, on
flat ground) that overlaps it, or any that covers a quarter of it (depth cannot be told from boxes that
far into each other). Two boxes on one vehicle, or a vehicle boxed together with another, leave too
little of the box clear to be seen.
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
EDGE_COVER = 0.25  # a box's edge is hidden where a vehicle in front reaches it along this share of its length
EDGE_MARGIN = 0.05  # of the box's width or height: a hiding box this close to an edge reaches it

Part = tuple[float, float, float, float]  # a rectangle of a box: left, top, right, bottom in shares of it
WHOLE: Part = (0.0, 0.0, 1.0, 1.0)
ALL_FREE = (True, True, True, True)


@dataclass(frozen=True)
class VehicleView:
    """The part of a vehicle's box that shows it alone, and which of the box's edges (left, top, right,
    bottom) no box hiding it reaches."""

    part: Part
    free: tuple[bool, bool, bool, bool] = ALL_FREE

    @property
    def whole(self) -> bool:
        """Nothing hides it: its box and its anchor are the vehicle's own."""
        return self.part == WHOLE and all(self.free)

    @property
    def behind(self) -> bool:
        """Another vehicle hides part of it (else at most the picture's edge cuts it)."""
        return self.part != WHOLE


WHOLE_VIEW = VehicleView(WHOLE)


def _hides(box: Box, other: Box) -> bool:
    share = ioa(box, other)
    return share > OCCLUDED_SHARE or (share > IN_FRONT_SHARE and other[3] > box[3])


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
    """How vehicle `box` (one of `others`, at index `skip`) shows: whole where no other vehicle hides it
    (`covered`); else the largest rectangle of it clear of every box that hides it, if that holds
    `VISIBLE_SHARE` of the box, with the edges those boxes do not reach; None when too little shows."""
    hiding = [others.boxes[i] for i in range(len(others)) if i != skip and _hides(box, others.boxes[i])]
    if not hiding:
        return WHOLE_VIEW
    rect = np.asarray(box[:4], np.float32)
    for other in sorted(hiding, key=lambda o: -ioa(box, o)):  # the biggest cut first
        rect = _largest_strip_outside(rect, other)
    whole = area(box)
    if whole <= 0 or area(rect) < VISIBLE_SHARE * whole:
        return None
    return VehicleView(part_of(box, rect), _free_edges(box, hiding))


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
    """Whether two views' appearances can be compared: they show about the same part of the box
    (`SAME_PART_IOU`)."""
    (a1, b1, a2, b2), (c1, d1, c2, d2) = a.part, b.part
    inter = max(min(a2, c2) - max(a1, c1), 0.0) * max(min(b2, d2) - max(b1, d1), 0.0)
    union = (a2 - a1) * (b2 - b1) + (c2 - c1) * (d2 - d1) - inter
    return union > 0 and inter / union >= SAME_PART_IOU
