"""Detection on the part of the picture a camera's zones need, at the scale of the whole picture.

A curb camera's no-parking zone covers a third of its picture; running the detector on the zones'
bounding box grown by a margin (room for the whole of a vehicle that stands at the zone's edge, and
for what is about to enter) costs what that share of the picture costs, and gives the boxes the
whole picture would: the crop is scaled by the same factor as the whole picture would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections

PixelBox = tuple[int, int, int, int]  # x1, y1, x2, y2, whole pixels, x2/y2 exclusive


@runtime_checkable
class RegionDetector(Protocol):
    """A detector that can run on part of an image at the whole image's scale."""

    def detect_region(self, image: npt.NDArray[np.uint8], region: PixelBox) -> Detections: ...


@dataclass(frozen=True)
class Region:
    """A rectangle in normalised image coordinates (0..1)."""

    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        if not (0.0 <= self.x1 < self.x2 <= 1.0 and 0.0 <= self.y1 < self.y2 <= 1.0):
            raise ValueError(f"a detection region must lie inside 0..1 with x1 < x2, y1 < y2; got {self}")

    @property
    def share(self) -> float:
        return (self.x2 - self.x1) * (self.y2 - self.y1)

    def pixels(self, height: int, width: int) -> PixelBox:
        """The rectangle in pixels of a `width` x `height` image, rounded outwards (past float noise)."""
        eps = 1e-6
        return (
            int(np.floor(self.x1 * width + eps)),
            int(np.floor(self.y1 * height + eps)),
            int(np.ceil(self.x2 * width - eps)),
            int(np.ceil(self.y2 * height - eps)),
        )


def zone_region(
    polygons: Sequence[Sequence[tuple[float, float]]],
    *,
    side: float = 0.15,
    above: float = 0.15,
    below: float = 0.05,
    max_share: float = 0.6,
) -> Region | None:
    """The zones' bounding box grown by `side` (share of the width) left and right, `above` and
    `below` (shares of the height); None when there is no zone or the region would cover more than
    `max_share` of the picture (the whole picture is then hardly dearer)."""
    points = [p for polygon in polygons for p in polygon]
    if not points:
        return None
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    region = Region(
        max(0.0, min(xs) - side), max(0.0, min(ys) - above), min(1.0, max(xs) + side), min(1.0, max(ys) + below)
    )
    return region if region.share <= max_share else None


def inside(detections: Detections, crop_width: int, crop_height: int, open_sides: tuple[bool, bool, bool, bool],
           tolerance: float = 2.0) -> Detections:
    """The detections of a crop that do not touch its cut sides (`open_sides`: left, top, right, bottom
    cut inside the picture): a box there is a truncated view of something partly outside the crop (its
    ground point and size would be wrong); on the whole picture it is seen whole."""
    if not len(detections) or not any(open_sides):
        return detections
    b = detections.boxes
    left, top, right, bottom = open_sides
    cut = np.zeros(len(detections), bool)
    if left:
        cut |= b[:, 0] <= tolerance
    if top:
        cut |= b[:, 1] <= tolerance
    if right:
        cut |= b[:, 2] >= crop_width - tolerance
    if bottom:
        cut |= b[:, 3] >= crop_height - tolerance
    if not cut.any():
        return detections
    keep = ~cut
    labels = tuple(label for label, k in zip(detections.labels, keep, strict=True) if k)
    return Detections(b[keep], detections.scores[keep], labels, detections.track_ids[keep])


def shift(detections: Detections, dx: int, dy: int) -> Detections:
    """Boxes of a crop moved into the whole image's pixels."""
    if not len(detections) or (dx == 0 and dy == 0):
        return detections
    boxes = detections.boxes + np.array([dx, dy, dx, dy], np.float32)
    return Detections(boxes.astype(np.float32), detections.scores, detections.labels, detections.track_ids)
