"""Plate readings per track for one camera: read at a limited rate, vote, forget old tracks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vision.plates.reader import Box, PlateReader
from vision.plates.voting import PlateVoter
from vision.types import Frame, PlateReading


@dataclass
class _TrackPlate:
    voter: PlateVoter = field(default_factory=PlateVoter)
    last_try: datetime | None = None
    tries: int = 0
    last_seen: datetime | None = None


class TrackPlates:
    def __init__(
        self,
        reader: PlateReader,
        min_interval_seconds: float = 1.0,
        max_reads: int = 7,
        max_tries: int = 30,
        forget_after_seconds: float = 300.0,
    ):
        self.reader = reader
        self.min_interval = timedelta(seconds=min_interval_seconds)
        self.max_reads, self.max_tries = max_reads, max_tries
        self.forget_after = timedelta(seconds=forget_after_seconds)
        self._tracks: dict[int, _TrackPlate] = {}

    def observe(self, frame: Frame, track_id: int, box: Box, plate_boxes: Sequence[Box] = ()) -> None:
        """Try a reading of this track's plate on this frame, unless one was tried recently."""
        state = self._tracks.setdefault(track_id, _TrackPlate())
        now = frame.captured_at
        state.last_seen = now
        if len(state.voter) >= self.max_reads or state.tries >= self.max_tries:
            return
        if state.last_try is not None and now - state.last_try < self.min_interval:
            return
        state.last_try, state.tries = now, state.tries + 1
        candidate = self.reader.read(frame.image, box, plate_boxes)
        if candidate is not None:
            state.voter.add(candidate)

    def reading(self, track_id: int) -> PlateReading | None:
        state = self._tracks.get(track_id)
        return state.voter.best() if state else None

    def readings(self) -> dict[int, PlateReading]:
        """The voted reading of every remembered track that has one."""
        return {t: r for t in self._tracks if (r := self.reading(t)) is not None}

    def prune(self, now: datetime) -> None:
        stale = [
            t for t, s in self._tracks.items() if s.last_seen is None or now - s.last_seen > self.forget_after
        ]
        for track_id in stale:
            del self._tracks[track_id]
