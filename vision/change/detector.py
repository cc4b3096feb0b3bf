"""The aerial roof-structure detector: an ordinary detector backend (vision/detectors: the same
letterbox, decode and NMS as the street cameras') whose class map yields `roof_structure`."""

from __future__ import annotations

from vision.detectors.base import Detector, DetectorError
from vision.detectors.config import DetectorConfig
from vision.detectors.factory import build_detector

ROOF_LABEL = "roof_structure"


def roof_detector(config: DetectorConfig) -> Detector:
    """Build the configured detector and check it can output `roof_structure` at all."""
    detector = build_detector(config)
    if ROOF_LABEL not in detector.labels:
        raise DetectorError(
            f"drone detector {detector.model_name!r} ({config.runtime_weights()}) outputs no {ROOF_LABEL!r} boxes; "
            f"its labels are {list(detector.labels)}: map the model's class to {ROOF_LABEL!r} in class_map"
        )
    return detector
