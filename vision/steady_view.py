"""Where a camera's picture lies against its reference view: wind sway and slow drift of a pole- or
bridge-mounted camera, measured so that the rules judge "did it move" and "is it in the zone" on the
street rather than on the picture.

The reference is the first picture the camera's analyzer sees. Each later picture's offset is found
by phase correlation of small gradient images (lighting changes little in them) and is trusted only
where it is plainly right:

- the correlation peak is clear (`min_response`);
- the offset is a drift, not another view (at most `max_shift` of the picture's width and height),
  and it moved by at most `max_jump` of them from the offset held: a larger sudden move is believed
  only when the view check's feature matching measures it (`correct`; a few seconds later);
- it continues the offset held so far (within `step` small pixels), or the picture before measured
  the same (within `agree`): traffic filling a telephoto view gives confident offsets too, but never
  the same one twice.

What the detector found on a picture (vehicles, people) does not count: those boxes are filled with
the reference as it would show under the offset held so far, so a bus crawling through a telephoto
view cannot pass for the camera moving (which would make the bus look parked).

An untrusted measurement keeps the offset held so far. The view check's feature matching, every few
seconds, corrects the held offset where the two disagree by much (`correct`). A camera turned to
another view is not followed (`vision.view_check` stops the rules there): its offset stays where it
was last trusted.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Detections

Offset = tuple[float, float]  # pixels: a point at (x, y) of the reference view shows at (x + dx, y + dy)
NO_OFFSET: Offset = (0.0, 0.0)


class SteadyView:
    """`offset(image, objects) -> Offset` for one camera's successive pictures, `objects` being the boxes
    (pixels, xyxy) of what was detected on it; `measured` says whether the last picture's own measurement
    was trusted (else the offset is the one held before)."""

    def __init__(
        self,
        *,
        width: int = 320,
        min_response: float = 0.08,
        max_shift: float = 0.12,
        max_jump: float = 0.03,
        step: float = 2.0,
        agree: float = 1.0,
    ):
        self.width = width
        self.min_response = min_response
        self.max_shift = max_shift
        self.max_jump = max_jump
        self.step = step
        self.agree = agree
        self.measured = False
        self._reference: npt.NDArray[np.float32] | None = None
        self._window: npt.NDArray[np.float32] | None = None
        self._scale = 1.0  # full-size pixels per small pixel
        self._held: Offset = NO_OFFSET  # small pixels
        self._previous: Offset | None = None  # the last plausible measurement, trusted or not

    def offset(self, image: npt.NDArray[np.uint8], objects: npt.NDArray[np.float32] | None = None) -> Offset:
        small = self._small(image)
        if self._reference is not None and self._reference.shape == small.shape:
            small = self._without(small, objects)
        else:
            self._reference, self._held, self._previous = small, NO_OFFSET, None
            self._window = np.asarray(cv2.createHanningWindow((small.shape[1], small.shape[0]), cv2.CV_32F), np.float32)
            self.measured = True
            return NO_OFFSET
        (mx, my), response = cv2.phaseCorrelate(self._reference, small, self._window)
        measured: Offset = (float(mx), float(my))
        height, width = small.shape
        plausible = response >= self.min_response
        plausible = plausible and abs(measured[0]) <= self.max_shift * width
        plausible = plausible and abs(measured[1]) <= self.max_shift * height
        plausible = plausible and abs(measured[0] - self._held[0]) <= self.max_jump * width
        plausible = plausible and abs(measured[1] - self._held[1]) <= self.max_jump * height
        previous, self._previous = self._previous, (measured if plausible else None)
        self.measured = plausible and (
            _near(measured, self._held, self.step) or (previous is not None and _near(measured, previous, self.agree))
        )
        if self.measured:
            self._held = measured
        return self._held[0] * self._scale, self._held[1] * self._scale

    @property
    def held(self) -> Offset:
        """The offset held now (pixels)."""
        return self._held[0] * self._scale, self._held[1] * self._scale

    def correct(self, offset: Offset) -> None:
        """Hold `offset` (pixels) from now on, measured by other means (`vision.view_check`): a repeating
        pattern can give a clear, repeatable correlation peak one period off."""
        self._held, self._previous = (offset[0] / self._scale, offset[1] / self._scale), None

    def _small(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """The picture's gradient magnitude at `width` pixels wide."""
        h, w = image.shape[:2]
        self._scale = w / self.width
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(gray, (self.width, max(8, round(h / self._scale))), interpolation=cv2.INTER_AREA)
        small = small.astype(np.float32)
        gx = cv2.Sobel(small, cv2.CV_32F, 1, 0)
        gy = cv2.Sobel(small, cv2.CV_32F, 0, 1)
        return np.asarray(cv2.magnitude(gx, gy), np.float32)

    def _without(
        self, small: npt.NDArray[np.float32], objects: npt.NDArray[np.float32] | None
    ) -> npt.NDArray[np.float32]:
        """The small picture with the objects' boxes (soft-edged) showing the reference moved by the held
        offset: what the picture would show there if nothing had moved but the camera, as last measured."""
        if objects is None or not len(objects):
            return small
        assert self._reference is not None
        height, width = small.shape
        covered = boxes_mask(objects, self._scale, small.shape).astype(np.float32)
        covered = np.asarray(cv2.GaussianBlur(covered, (0, 0), 1.5), np.float32)
        held = np.array([[1, 0, self._held[0]], [0, 1, self._held[1]]], np.float32)
        expected = cv2.warpAffine(self._reference, held, (width, height), borderMode=cv2.BORDER_REFLECT)
        return np.asarray(small * (1.0 - covered) + np.asarray(expected, np.float32) * covered, np.float32)


def boxes_mask(objects: npt.NDArray[np.float32] | None, scale: float, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    """True under the boxes (full-size pixels, xyxy), on a picture `scale` times smaller of `shape`
    (rows, columns); each box takes in every small pixel it touches."""
    mask = np.zeros(shape[:2], np.bool_)
    for x1, y1, x2, y2 in (
        np.asarray(objects if objects is not None else [], np.float32)[..., :4].reshape(-1, 4) / scale
    ):
        mask[max(int(y1), 0) : int(np.ceil(y2)) + 1, max(int(x1), 0) : int(np.ceil(x2)) + 1] = True
    return mask


def _near(a: Offset, b: Offset, pixels: float) -> bool:
    return abs(a[0] - b[0]) <= pixels and abs(a[1] - b[1]) <= pixels


def shifted(detections: Detections, offset: Offset) -> Detections:
    """The same detections with every box moved by `offset` (pixels)."""
    dx, dy = offset
    if dx == 0.0 and dy == 0.0:
        return detections
    boxes = detections.boxes + np.array([dx, dy, dx, dy], np.float32)
    return dataclasses.replace(detections, boxes=boxes.astype(np.float32))
