"""Load a flight's footage (video + SRT, or stills) into selected, decoded frames."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.drone.errors import FootageError
from ingest.drone.stills import read_still
from ingest.drone.video import FlightVideo
from vision.change.config import DroneConfig
from vision.change.frames import FlightFrames, TelemetryRecord
from vision.change.selection import select_by_overlap
from vision.geometry.geo import LocalFrame

STILL_SUFFIXES = {".jpg", ".jpeg"}
VIDEO_SUFFIXES = {".mp4", ".mov"}


def load_video_flight(
    flight_id: str, video: Path, srt: Path, config: DroneConfig, origin: LocalFrame | None = None
) -> FlightFrames:
    fv = FlightVideo(video, srt, flight_id)
    first = fv.telemetry[0]
    frame = origin or LocalFrame(first.lat, first.lon)
    intr = config.camera.intrinsics(fv.width, fv.height)
    chosen = select_by_overlap(fv.telemetry, intr, frame, config.frame_overlap)
    frames = list(fv.frames([r.index for r in chosen]))
    return FlightFrames(flight_id, first.captured_at.date().isoformat(), frames)


def load_stills_flight(flight_id: str, stills: list[Path]) -> FlightFrames:
    frames = [read_still(p, i, flight_id) for i, p in enumerate(sorted(stills))]
    if not frames:
        raise FootageError(flight_id, "no stills")
    return FlightFrames(flight_id, frames[0].telemetry.captured_at.date().isoformat(), frames)


def load_folder(flight_id: str, folder: Path, config: DroneConfig) -> FlightFrames:
    """A flight's upload folder: one video with its .SRT beside it, or geotagged stills."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    videos = [p for p in files if p.suffix.lower() in VIDEO_SUFFIXES]
    if videos:
        if len(videos) > 1:
            raise FootageError(
                str(folder), f"several videos in one flight ({', '.join(p.name for p in videos)})"
            )
        srts = [p for p in files if p.suffix.lower() == ".srt"]
        if not srts:
            raise FootageError(str(videos[0]), "no SRT telemetry file uploaded with this video")
        match = [p for p in srts if p.stem == videos[0].stem] or srts
        return load_video_flight(flight_id, videos[0], match[0], config)
    stills = [p for p in files if p.suffix.lower() in STILL_SUFFIXES]
    if not stills:
        raise FootageError(str(folder), "no video (.mp4/.mov + .srt) or geotagged stills (.jpg) found")
    return load_stills_flight(flight_id, stills)


def track(frames: FlightFrames) -> list[TelemetryRecord]:
    return [g.telemetry for g in frames.frames]


def flight_date(frames: FlightFrames) -> date:
    return date.fromisoformat(frames.date)
