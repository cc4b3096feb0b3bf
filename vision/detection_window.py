"""The part of a camera's picture its detector looks at: the zones, grown by a margin.

Every street rule reads only what stands in its zones (an object's anchor, the bottom centre of its
box, inside one), so pixels far from every zone need not be detected. The window is the zones'
bounding box grown by `margin` (a share of the picture's width, as the motion gate grows its regions)
above, where an object standing on the zone's far edge rises, and at the sides, where half a vehicle
whose anchor is inside sticks out, and by a quarter of it below (nothing of an object inside hangs below
its anchor): what straddles a zone's edge, or is about to enter, is seen whole. A box that still reaches
an inner edge of the window may be cut there; rules treat it as one cut by the picture's edge
(`Frame.view`, `vision.rules.stay.cut_sides`: the parking rule judges it by its other edges). It is detected at the
scale the whole frame would get (`zoom` 1: objects keep their size in pixels, the input has fewer of
them), or magnified up to `zoom` times that (a zone far from the camera, where vehicles are a few
dozen pixels long), never past the detector's configured input size nor the camera's own pixels. A
window that would cover most of the picture is not used.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.types import Detections

STRIDE = 32  # YOLO inputs are multiples of it
MIN_IMAGE_SIZE = 128
MOST_OF_THE_PICTURE = 0.8  # a window holding this share of the frame's area or more: detect the frame


@dataclass(frozen=True)
class DetectionWindow:
    left: int  # pixels, [left, right) x [top, bottom)
    top: int
    right: int
    bottom: int
    image_size: int  # the detector input's long side for this window

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom): what `Frame.view` holds."""
        return self.left, self.top, self.right, self.bottom

    def crop(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """The window's pixels (a view: nothing is copied)."""
        return image[self.top : self.bottom, self.left : self.right]

    def to_frame(self, detections: Detections) -> Detections:
        """Boxes found in the crop, in the whole frame's pixels."""
        if not len(detections):
            return detections
        offset = np.array([self.left, self.top, self.left, self.top], np.float32)
        return dataclasses.replace(detections, boxes=(detections.boxes + offset).astype(np.float32))


def detection_window(
    regions: Sequence[Sequence[tuple[float, float]]],
    width: int,
    height: int,
    image_size: int,
    *,
    margin: float = 0.08,
    zoom: float = 1.0,
) -> DetectionWindow | None:
    """The window for polygons in normalised coordinates on a `width` x `height` picture and a detector
    whose whole-frame input has long side `image_size`; None when the picture should be detected
    whole (no regions, or a window over most of it without magnification)."""
    if not regions or width <= 0 or height <= 0 or image_size <= 0:
        return None
    if zoom < 1:
        raise ValueError(f"detection zoom must be >= 1, got {zoom}")
    points = np.concatenate([np.asarray(region, np.float64).reshape(-1, 2) for region in regions])
    grow = margin * width
    left = max(0, math.floor(points[:, 0].min() * width - grow))
    right = min(width, math.ceil(points[:, 0].max() * width + grow))
    top = max(0, math.floor(points[:, 1].min() * height - grow))
    bottom = min(height, math.ceil(points[:, 1].max() * height + grow / 4))
    if right - left < 2 or bottom - top < 2:
        return None
    if zoom == 1 and (right - left) * (bottom - top) >= MOST_OF_THE_PICTURE * width * height:
        return None
    long_side = max(right - left, bottom - top)
    frame_scale = image_size / max(width, height)  # what detecting the whole frame gives
    scale = min(frame_scale * zoom, image_size / long_side, max(1.0, frame_scale))
    size = math.ceil(long_side * scale / STRIDE) * STRIDE
    size = max(MIN_IMAGE_SIZE, min(image_size, size))
    return DetectionWindow(left, top, right, bottom, size)
