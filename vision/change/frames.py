"""Typed values of the drone path: one telemetry record per frame, a frame with its pose, a flight.

Readers (ingest/drone) build them from footage; the change pipeline only reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.types import Frame


@dataclass(frozen=True)
class TelemetryRecord:
    index: int  # 0-based frame index in the video (FrameCnt - 1), or still number
    time_s: float  # presentation time in the video
    captured_at: datetime  # timezone-aware UTC
    lat: float
    lon: float
    rel_alt: float  # metres above take-off ground
    abs_alt: float | None
    yaw: float  # gimbal yaw, degrees clockwise from north, 0..360
    pitch: float  # gimbal pitch, -90 = nadir
    roll: float = 0.0
    line: int | None = None  # where the record starts in its file


@dataclass(frozen=True, eq=False)
class GeoFrame:
    """A decoded frame with the telemetry it was captured under."""

    frame: Frame
    telemetry: TelemetryRecord
    source: str  # file name, for messages and evidence


@dataclass(frozen=True)
class FlightFrames:
    """The selected, decoded frames of one flight."""

    flight_id: str
    date: str  # ISO date the flight was flown
    frames: Sequence[GeoFrame]
