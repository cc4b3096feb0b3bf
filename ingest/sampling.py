"""Pick frames at the camera's analysis rate by capture time (not by frame count)."""

from __future__ import annotations

from datetime import datetime, timedelta


class RateSampler:
    """`take(ts)` is True for the first frame and then about once per 1/fps seconds of capture time."""

    def __init__(self, fps: float):
        if fps <= 0:
            raise ValueError(f"analysis fps must be > 0, got {fps}")
        self.period = timedelta(seconds=1.0 / fps)
        # A frame a little early still counts, so 25 fps sampled at 5 fps takes every 5th frame.
        self._slack = min(self.period / 10, timedelta(milliseconds=20))
        self._next_due: datetime | None = None

    def take(self, captured_at: datetime) -> bool:
        due = self._next_due
        if due is not None and captured_at + self._slack < due:
            return False
        following = None if due is None else due + self.period
        if following is None or following - captured_at < self.period / 2:
            following = captured_at + self.period  # first frame, or late by a gap: restart the cadence
        self._next_due = following
        return True
