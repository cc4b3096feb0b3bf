"""Drone footage readers: DJI-style SRT telemetry with video, geotagged stills, a flight's frames."""

from ingest.drone.errors import FootageError, TelemetryError

__all__ = ["FootageError", "TelemetryError"]
