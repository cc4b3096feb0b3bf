"""Build a detector from its configuration; backends register here by `type`."""

from __future__ import annotations

from collections.abc import Callable

from vision.detectors.base import Detector
from vision.detectors.config import (
    DetectorConfig,
    OnnxDetectorConfig,
    OpenVinoDetectorConfig,
    UltralyticsDetectorConfig,
)


def _build_onnx(config: DetectorConfig) -> Detector:
    from vision.detectors.onnx_backend import OnnxDetector

    assert isinstance(config, OnnxDetectorConfig)
    return OnnxDetector(config)


def _build_openvino(config: DetectorConfig) -> Detector:
    from vision.detectors.openvino_backend import OpenVinoDetector

    assert isinstance(config, OpenVinoDetectorConfig)
    return OpenVinoDetector(config)


def _build_ultralytics(config: DetectorConfig) -> Detector:
    from vision.detectors.ultralytics_backend import UltralyticsDetector

    assert isinstance(config, UltralyticsDetectorConfig)
    return UltralyticsDetector(config)


BACKENDS: dict[str, Callable[[DetectorConfig], Detector]] = {
    "onnx": _build_onnx,
    "openvino": _build_openvino,
    "ultralytics": _build_ultralytics,
}


def build_detector(config: DetectorConfig) -> Detector:
    """The detector for a validated config (weights must exist locally)."""
    try:
        builder = BACKENDS[config.type]
    except KeyError:
        raise ValueError(f"unknown detector type {config.type!r}; known: {sorted(BACKENDS)}") from None
    return builder(config)
