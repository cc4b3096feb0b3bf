"""Detection of several frames at once: one batched run where the backend has one, else one by one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import Detector


@runtime_checkable
class BatchDetector(Protocol):
    def detect_batch(self, images: Sequence[npt.NDArray[np.uint8]]) -> list[Detections]: ...


def detect_many(detector: Detector, images: Sequence[npt.NDArray[np.uint8]]) -> list[Detections]:
    if isinstance(detector, BatchDetector):
        return detector.detect_batch(images)
    return [detector.detect(image) for image in images]
