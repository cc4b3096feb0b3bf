"""Detector backends behind one interface; configuration selects a backend by `type`."""

from vision.detectors.base import Detector, DetectorError
from vision.detectors.factory import build_detector

__all__ = ["Detector", "DetectorError", "build_detector"]
