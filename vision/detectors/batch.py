"""Detection of several frames at once: one batched run where the backend has one, else one by one."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import Detector


@runtime_checkable
class BatchDetector(Protocol):
    def detect_batch(self, images: Sequence[npt.NDArray[np.uint8]]) -> list[Detections]: ...


@runtime_checkable
class KeyedBatchDetector(Protocol):
    """A detector that says which frames may share a batched call: frames of one key run as one batch
    and each still gets what `detect` gives it (e.g. frames letterboxed to the same model input)."""

    def batch_key(self, image: npt.NDArray[np.uint8]) -> Hashable: ...


def batch_key(detector: Detector, image: npt.NDArray[np.uint8]) -> Hashable:
    """The detector's own key where it has one, else the frame's shape (a batched call takes one size)."""
    return detector.batch_key(image) if isinstance(detector, KeyedBatchDetector) else image.shape


def detect_many(detector: Detector, images: Sequence[npt.NDArray[np.uint8]]) -> list[Detections]:
    if isinstance(detector, BatchDetector):
        return detector.detect_batch(images)
    return [detector.detect(image) for image in images]
