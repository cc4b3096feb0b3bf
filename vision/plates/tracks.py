"""Plate readings per track for one camera: read only when it can pay off, vote, stop once the vote
is settled, forget old tracks.

A read is tried at most every `min_interval_seconds` of capture time per track (less often after reads
that found nothing), only on a vehicle crop large enough to hold a readable plate (`ReadGate`), and no
more once the vote is settled. With a `PlatePool`, reads run in the pool's threads (one at a time per
camera, so a camera's reader is never used by two threads) and the vote takes each result in when it
arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.types import Frame, PlateReading
from vision.plates.pool import PlatePool
from vision.plates.reader import Box, Image, PlateCandidate, PlateReader
from vision.plates.voting import PlateVoter


@dataclass(frozen=True)
class ReadGate:
    """Which vehicle crops are worth a plate read: wide and tall enough to hold a plate of legible size."""

    min_width: int = 64
    min_height: int = 40

    def worth_reading(self, image: Image, box: Box) -> bool:
        x1, y1, x2, y2 = (float(v) for v in box[:4])
        return x2 - x1 >= self.min_width and y2 - y1 >= self.min_height


@dataclass
class _TrackPlate:
    voter: PlateVoter = field(default_factory=PlateVoter)
    last_try: datetime | None = None
    tries: int = 0
    misses: int = 0  # reads in a row that found no valid plate
    last_seen: datetime | None = None


class TrackPlates:
    def __init__(
        self,
        reader: PlateReader,
        min_interval_seconds: float = 1.0,
        max_reads: int = 7,
        max_tries: int = 30,
        forget_after_seconds: float = 300.0,
        *,
        pool: PlatePool | None = None,
        gate: ReadGate | None = None,
        settle_votes: int = 3,
        settle_share: float = 0.8,
        max_backoff: int = 3,
    ):
        self.reader = reader
        self.min_interval = timedelta(seconds=min_interval_seconds)
        self.max_reads, self.max_tries = max_reads, max_tries
        self.forget_after = timedelta(seconds=forget_after_seconds)
        self.pool = pool
        self.gate = gate or ReadGate()
        self.settle_votes, self.settle_share = settle_votes, settle_share
        self.max_backoff = max_backoff
        self.reads = 0  # reads started (inline or handed to the pool)
        self._tracks: dict[int, _TrackPlate] = {}
        self._lock = threading.Lock()  # the pool thread adds votes while the camera thread reads them
        self._in_flight: int | None = None  # the track whose read the pool holds
        self._idle = threading.Condition(self._lock)

    def observe(self, frame: Frame, track_id: int, box: Box, plate_boxes: Sequence[Box] = ()) -> None:
        """Try a reading of this track's plate on this frame, unless one was tried recently, the vote
        is settled, the crop is not worth it, or (with a pool) a read of this camera is in flight."""
        now = frame.captured_at
        with self._lock:
            state = self._tracks.setdefault(track_id, _TrackPlate())
            state.last_seen = now
            if self._done(state):
                return
            if state.last_try is not None and now - state.last_try < self._interval(state):
                return
            if self.pool is not None and self._in_flight is not None:
                return
            if not self.gate.worth_reading(frame.image, box):
                return
            state.last_try, state.tries = now, state.tries + 1
            self.reads += 1
            if self.pool is not None:
                self._in_flight = track_id
        image, boxes = frame.image, list(plate_boxes)
        if self.pool is None:
            self._take(track_id, self.reader.read(image, box, boxes))
        elif not self.pool.submit(lambda: self.reader.read(image, box, boxes), lambda c: self._take(track_id, c)):
            with self._lock:  # the pool is full: try again at the next interval
                self._in_flight = None
                self._idle.notify_all()

    def _interval(self, state: _TrackPlate) -> timedelta:
        """One interval more after each read in a row that found nothing (up to `max_backoff` of them):
        a plate turned away or hidden is tried less often, and still tried."""
        return self.min_interval * (1 + min(state.misses, self.max_backoff))

    def _done(self, state: _TrackPlate) -> bool:
        voter = state.voter
        return len(voter) >= self.max_reads or state.tries >= self.max_tries or voter.settled(
            self.settle_votes, self.settle_share
        )

    def _take(self, track_id: int, candidate: PlateCandidate | None) -> None:
        with self._lock:
            state = self._tracks.get(track_id)
            if state is not None:
                state.misses = 0 if candidate is not None else state.misses + 1
                if candidate is not None:
                    state.voter.add(candidate)
            if self._in_flight == track_id:
                self._in_flight = None
            self._idle.notify_all()

    def wait_for(self, track_id: int, timeout_s: float) -> None:
        """Wait (at most `timeout_s`) for a read of this track that is in flight in the pool."""
        with self._lock:
            self._idle.wait_for(lambda: self._in_flight != track_id, timeout=timeout_s)

    def reading(self, track_id: int) -> PlateReading | None:
        with self._lock:
            state = self._tracks.get(track_id)
            return state.voter.best() if state else None

    def readings(self) -> dict[int, PlateReading]:
        """The voted reading of every remembered track that has one."""
        with self._lock:
            tracks = list(self._tracks)
        return {t: r for t in tracks if (r := self.reading(t)) is not None}

    def prune(self, now: datetime) -> None:
        with self._lock:
            stale = [
                t for t, s in self._tracks.items() if s.last_seen is None or now - s.last_seen > self.forget_after
            ]
            for track_id in stale:
                del self._tracks[track_id]
