"""Detection of several frames at once: one batched run where the backend has one, else one by one."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import Detector, detect_at


@runtime_checkable
class BatchDetector(Protocol):
    def detect_batch(
        self, images: Sequence[npt.NDArray[np.uint8]], image_size: int | None = None
    ) -> list[Detections]: ...


@runtime_checkable
class KeyedBatchDetector(Protocol):
    """A detector that says which frames may share a batched call: frames of one key run as one batch
    and each still gets what `detect` gives it (e.g. frames letterboxed to the same model input)."""

    def batch_key(self, image: npt.NDArray[np.uint8], image_size: int | None = None) -> Hashable: ...


def batch_key(detector: Detector, image: npt.NDArray[np.uint8], image_size: int | None = None) -> Hashable:
    """The detector's own key where it has one, else the frame's shape (a batched call takes one size),
    with the input size asked for (frames at different input sizes never share a call)."""
    if isinstance(detector, KeyedBatchDetector):
        return detector.batch_key(image, image_size)
    return image.shape, image_size


def detect_many(
    detector: Detector, images: Sequence[npt.NDArray[np.uint8]], image_size: int | None = None
) -> list[Detections]:
    """`detect` on each image (at `image_size` where given and the detector can), batched where it can."""
    if isinstance(detector, BatchDetector):
        return detector.detect_batch(images, image_size)
    return [detect_at(detector, image, image_size) for image in images]
