"""Per-camera health: the snapshot a worker reports, rates over capture time, the reporter protocol."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

log = logging.getLogger(__name__)

WorkerState = Literal[
    "starting", "running", "reconnecting", "stalled", "finished", "failed", "crashed", "stopped"
]
CLOCK_TOLERANCE_S = 1.0  # evidence practice: a camera clock within 1 s of the server's


@dataclass(frozen=True)
class CameraHealthSnapshot:
    camera_id: str
    state: WorkerState
    input_fps: float  # frames decoded per second of capture time
    analysed_fps: float  # frames handed to the analyzer per second of capture time
    skipped_by_motion: int
    frames_total: int
    frames_analysed: int | None  # None where not known (read back from the database)
    violations: int | None
    last_frame_at: datetime | None
    reconnects: int
    restarts: int
    last_error: str | None  # already masked
    clock_offset_s: float | None
    # pixels the camera's picture drifted from the view its analysis started on (`vision.steady_view`);
    # None where not known (an analyzer that does not measure it, or read back from the database)
    view_offset_px: tuple[float, float] | None = None
    # the camera shows another view than its zones were drawn on, so no rule runs (`vision.view_check`);
    # None where not known
    view_lost: bool | None = None

    @property
    def clock_flagged(self) -> bool:
        return self.clock_offset_s is not None and abs(self.clock_offset_s) > CLOCK_TOLERANCE_S


class RateMeter:
    """Rate of a cumulative counter over the last `window_s` seconds of capture time."""

    def __init__(self, window_s: float = 10.0):
        self.window_s = window_s
        self._points: deque[tuple[datetime, int]] = deque()

    def add(self, at: datetime, total: int) -> None:
        if self._points and at < self._points[-1][0]:
            self._points.clear()
        self._points.append((at, total))
        while len(self._points) > 2 and (at - self._points[1][0]).total_seconds() >= self.window_s:
            self._points.popleft()

    def rate(self) -> float:
        if len(self._points) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._points[0], self._points[-1]
        seconds = (t1 - t0).total_seconds()
        return (n1 - n0) / seconds if seconds > 0 else 0.0


class HealthReporter(Protocol):
    def report(self, snapshots: Sequence[CameraHealthSnapshot]) -> None: ...
