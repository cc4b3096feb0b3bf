"""Cheap motion check on a downscaled frame: should the detector run on this frame?"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Frame


class MotionGate:
    """`update(frame) -> bool`: True when enough of the picture changed since the previous frame, and
    also when `recheck_s` of capture time passed since the last True, so static scenes (a parked car)
    are still looked at now and then.

    With `regions` (polygons in normalised image coordinates, e.g. the camera's zones), only change
    inside them, grown by `margin` (a share of the picture's width) so that what is about to enter is
    seen too, counts: traffic passing outside every zone does not wake the detector.

    `update(frame, explained)`: change inside the `explained` boxes (normalised xyxy; the analyzer's
    last boxes of things no zone's rule reads, e.g. a pedestrian beside a no-parking zone), each grown
    by `explained_growth` of its own height on every side, does not count either. Whatever changes
    outside them (a vehicle arriving, or the pedestrian walking out of their box) still does."""

    def __init__(
        self,
        *,
        width: int = 160,
        pixel_threshold: int = 18,
        min_changed_fraction: float = 0.002,
        recheck_s: float = 5.0,
        regions: Sequence[Sequence[tuple[float, float]]] = (),
        margin: float = 0.08,
        explained_growth: float = 0.5,
    ):
        self.width = width
        self.pixel_threshold = pixel_threshold
        self.min_changed_fraction = min_changed_fraction
        self.recheck = timedelta(seconds=recheck_s)
        self.last_changed_fraction = 0.0
        self.regions = [np.asarray(r, np.float32) for r in regions]
        self.margin = margin
        self.explained_growth = explained_growth
        self._mask: npt.NDArray[np.bool_] | None = None  # where change counts, at the small size
        self._previous: npt.NDArray[np.uint8] | None = None
        self._last_detect_at: datetime | None = None

    def _small(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        h, w = image.shape[:2]
        step = max(1, w // (2 * self.width))
        image = image[::step, ::step]  # cheap decimation first; the area filter then averages the rest
        height = max(1, round(h * self.width / w))
        small = cv2.resize(image, (self.width, height), interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        return cv2.GaussianBlur(gray, (5, 5), 0)  # type: ignore[return-value]

    def update(self, frame: Frame, explained: Sequence[tuple[float, float, float, float]] = ()) -> bool:
        small = self._small(frame.image)
        previous, self._previous = self._previous, small
        if previous is None or previous.shape != small.shape:
            self.last_changed_fraction = 1.0
            self._mask = self._region_mask(small.shape) if self.regions else None
        else:
            changed = cv2.absdiff(small, previous) > self.pixel_threshold
            if self._mask is not None:
                changed &= self._mask
            if explained:
                changed &= ~self._explained_mask(changed.shape, explained)
            self.last_changed_fraction = float(np.count_nonzero(changed)) / changed.size
        due = self._last_detect_at is None or frame.captured_at - self._last_detect_at >= self.recheck
        detect = due or self.last_changed_fraction >= self.min_changed_fraction
        if detect:
            self._last_detect_at = frame.captured_at
        return detect

    def _explained_mask(
        self, shape: tuple[int, ...], boxes: Sequence[tuple[float, float, float, float]]
    ) -> npt.NDArray[np.bool_]:
        h, w = shape[:2]
        mask = np.zeros((h, w), bool)
        for x1, y1, x2, y2 in boxes:
            grow = self.explained_growth * (y2 - y1)
            left, right = int(np.floor((x1 - grow * h / w) * w)), int(np.ceil((x2 + grow * h / w) * w))
            top, bottom = int(np.floor((y1 - grow) * h)), int(np.ceil((y2 + grow) * h))
            mask[max(0, top) : max(0, bottom), max(0, left) : max(0, right)] = True
        return mask

    def _region_mask(self, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
        h, w = shape[:2]
        mask = np.zeros((h, w), np.uint8)
        for region in self.regions:
            cv2.fillPoly(mask, [np.round(region * (w, h)).astype(np.int32)], 1)
        grow = 2 * round(self.margin * w) + 1
        if grow > 1:
            mask = cv2.dilate(mask, np.ones((grow, grow), np.uint8))  # type: ignore[assignment]
        return mask.astype(bool)
