"""A detector that remembers its answer per image: one clip scored at several analysed rates runs
the model once per distinct frame (reader, tracker and rules still run for every rate)."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import Detector


class MemoDetector:
    def __init__(self, detector: Detector):
        self.detector = detector
        self.model_name = detector.model_name
        self.weights_sha256 = detector.weights_sha256
        self.detector_type = detector.detector_type
        self.labels = detector.labels
        self._seen: dict[bytes, Detections] = {}

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        key = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
        if key not in self._seen:
            self._seen[key] = self.detector.detect(image)
        return self._seen[key]
