"""What one camera's analysis needs from its configuration, as a plain value.

The composition root builds it (`CameraConfig.analysis_setup()`), so vision never reads the
configuration tree (ingest) itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vision.violations.unions import ZoneConfig


@dataclass(frozen=True)
class CameraSetup:
    camera_id: str
    zones: Sequence[ZoneConfig]
    tz: ZoneInfo  # the camera's local zone: zones' active hours are read in it
    analysis_fps: float
    detection_zoom: float = 1.0  # magnification of the zones' window over the whole frame's scale
