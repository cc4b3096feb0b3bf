"""Frame readers: one interface (`FrameReader`) for RTSP, HTTP (MJPEG, HLS), files and local devices."""

from __future__ import annotations

from urllib.parse import urlsplit

from ingest.config import CameraConfig
from ingest.readers.base import (
    CorruptSourceError,
    FrameReader,
    ReaderStats,
    SourceError,
    StallError,
)
from ingest.readers.device import DeviceReader
from ingest.readers.pyav_reader import PyAVReader, ReaderOptions


def options_for(camera: CameraConfig, **overrides: object) -> ReaderOptions:
    values: dict[str, object] = {"analysis_fps": camera.analysis_fps, "decode": camera.decode, **overrides}
    return ReaderOptions(**values)  # type: ignore[arg-type]


def open_reader(camera: CameraConfig, options: ReaderOptions | None = None) -> FrameReader:
    """The reader for a camera's source URL (not connected until iterated)."""
    options = options or options_for(camera)
    if urlsplit(camera.source).scheme == "device":
        return DeviceReader(camera.id, camera.source, options)
    return PyAVReader(camera.id, camera.source, options, start_time=camera.start_time)


__all__ = [
    "CorruptSourceError",
    "DeviceReader",
    "FrameReader",
    "PyAVReader",
    "ReaderOptions",
    "ReaderStats",
    "SourceError",
    "StallError",
    "open_reader",
    "options_for",
]
