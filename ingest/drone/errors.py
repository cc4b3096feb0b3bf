"""Errors that name the file (and line) that was wrong."""

from __future__ import annotations


class FootageError(ValueError):
    """Footage that cannot be used: unreadable video, stills without position, mismatched files."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class TelemetryError(FootageError):
    """Missing or inconsistent telemetry (SRT entry, EXIF/XMP tag)."""
