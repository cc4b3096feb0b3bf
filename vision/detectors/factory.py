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


def _build_onnx(config: DetectorConfig, parallel_calls: int) -> Detector:
    # concurrent runs of one ONNX Runtime session are safe; with 1 intra-op thread each runs in its caller
    from vision.detectors.onnx_backend import OnnxDetector

    assert isinstance(config, OnnxDetectorConfig)
    return OnnxDetector(config)


def _build_openvino(config: DetectorConfig, parallel_calls: int) -> Detector:
    from vision.detectors.openvino_backend import OpenVinoDetector

    assert isinstance(config, OpenVinoDetectorConfig)
    return OpenVinoDetector(config, parallel_calls)


def _build_ultralytics(config: DetectorConfig, parallel_calls: int) -> Detector:
    from vision.detectors.ultralytics_backend import UltralyticsDetector

    assert isinstance(config, UltralyticsDetectorConfig)
    return UltralyticsDetector(config)


BACKENDS: dict[str, Callable[[DetectorConfig, int], Detector]] = {
    "onnx": _build_onnx,
    "openvino": _build_openvino,
    "ultralytics": _build_ultralytics,
}


def build_detector(config: DetectorConfig, parallel_calls: int = 1) -> Detector:
    """The detector for a validated config (weights must exist locally), ready for `parallel_calls`
    callers at once (OpenVINO compiles a CPU stream per caller; see `vision.detectors.shared`)."""
    try:
        builder = BACKENDS[config.type]
    except KeyError:
        raise ValueError(f"unknown detector type {config.type!r}; known: {sorted(BACKENDS)}") from None
    return builder(config, parallel_calls)
