"""Drone footage readers: DJI-style SRT telemetry with video, geotagged stills, frame selection."""

from ingest.drone.errors import FootageError, TelemetryError
from ingest.drone.types import GeoFrame, TelemetryRecord

__all__ = ["FootageError", "GeoFrame", "TelemetryError", "TelemetryRecord"]
