"""A small real analyzer and sink for ingest tests (no detector needed).

`BrightSquareAnalyzer` is a trivial rule: a bright object (a white square, or the white ball of
GStreamer's test pattern) that stays in view for `persist_s` of capture time is a violation. One
episode follows the next, and an episode survives gaps in the stream up to `max_gap_s`.
`JsonDirSink` writes each violation atomically as a JSON file, optionally slowly (like evidence).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from domain.types import EvidencePhoto, Frame, Violation
from ingest.config import CameraConfig
from vision.violations.parking import ParkingDetails


def bright_fraction(frame: Frame, level: int = 200) -> float:
    return float(np.count_nonzero(frame.image.min(axis=2) >= level)) / (frame.width * frame.height)


class BrightSquareAnalyzer:
    def __init__(
        self, camera_id: str, *, persist_s: float = 1.0, max_gap_s: float = 30.0, min_fraction=0.002
    ):
        self.camera_id = camera_id
        self.persist = timedelta(seconds=persist_s)
        self.max_gap = timedelta(seconds=max_gap_s)
        self.min_fraction = min_fraction
        self.present = False
        self.episodes = 0
        self.detector_runs = 0
        self._start: Frame | None = None
        self._last_seen: datetime | None = None

    def process(self, frame: Frame, detect: bool) -> list[Violation]:
        if detect:  # the "detector": skipped when the motion gate saw nothing new
            self.detector_runs += 1
            self.present = bright_fraction(frame) >= self.min_fraction
        if not self.present:
            self._start = None
            return []
        if self._start is None or frame.captured_at - (self._last_seen or frame.captured_at) > self.max_gap:
            self._start = frame
        self._last_seen = frame.captured_at
        if frame.captured_at - self._start.captured_at < self.persist:
            return []
        start, self._start = self._start, frame  # the next episode starts where this one is confirmed
        self.episodes += 1
        return [
            Violation(
                violation_type="illegal_parking",
                source_id=self.camera_id,
                zone_name="test-zone",
                episode_key=f"{self.camera_id}:test-zone:{self.episodes}",
                object_label="bright_square",
                track_id=self.episodes,
                first_seen_at=start.captured_at,
                confirmed_at=frame.captured_at,
                photos=(EvidencePhoto("arrival", start), EvidencePhoto("confirmation", frame)),
                details=ParkingDetails(),
            )
        ]


@dataclass
class JsonDirSink:
    """One JSON file per violation, written atomically (temp file + rename)."""

    directory: Path
    delay_s: float = 0.0
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        name = violation.episode_key.replace(":", "_")
        (self.directory / f"{name}.started").write_text("")
        time.sleep(self.delay_s)  # evidence writing takes a while
        record = {
            "camera": camera.id,
            "episode_key": violation.episode_key,
            "first_seen_at": violation.first_seen_at.isoformat(),
            "confirmed_at": violation.confirmed_at.isoformat(),
            "clip_frames": len(violation.clip_frames),
            "clip_span_s": (
                (violation.clip_frames[-1].captured_at - violation.clip_frames[0].captured_at).total_seconds()
                if violation.clip_frames
                else 0.0
            ),
        }
        tmp = self.directory / f".{name}.tmp"
        tmp.write_text(json.dumps(record))
        os.replace(tmp, self.directory / f"{name}.json")

    def close(self) -> None:
        self.closed = True

    def records(self) -> list[dict[str, object]]:
        return [json.loads(p.read_text()) for p in sorted(self.directory.glob("*.json"))]
