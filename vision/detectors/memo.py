"""A detector that remembers its answer per image: one clip scored at several analysed rates runs
the model once per distinct frame (reader, tracker and rules still run for every rate)."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import Detector, detect_at, input_size


class MemoDetector:
    def __init__(self, detector: Detector):
        self.detector = detector
        self.model_name = detector.model_name
        self.weights_sha256 = detector.weights_sha256
        self.detector_type = detector.detector_type
        self.labels = detector.labels
        self.image_size = input_size(detector)
        self._seen: dict[bytes, Detections] = {}

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self._remembered(image, None)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        return self._remembered(image, image_size if self.image_size else None)

    def _remembered(self, image: npt.NDArray[np.uint8], image_size: int | None) -> Detections:
        digest = hashlib.blake2b(image.tobytes(), digest_size=16)
        digest.update(repr((image.shape, image_size)).encode())
        key = digest.digest()
        if key not in self._seen:
            self._seen[key] = detect_at(self.detector, image, image_size)
        return self._seen[key]
