"""Re-check frames from a running camera's ring buffer: only frames captured after the 处置 report,
spaced apart; a camera that gives too few within the timeout says so."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import numpy as np

from api.recheck.frames import GrabPlan, from_ring
from domain.types import Frame
from ingest.ring import FrameRing

T0 = datetime(2026, 5, 1, 2, 40, tzinfo=UTC)


def frame(i: int, seconds: float) -> Frame:
    return Frame("cam-1", i, T0 + timedelta(seconds=seconds), np.full((36, 64, 3), i % 250, np.uint8))


def test_frames_after_the_report_spaced_apart_as_the_worker_captures_them() -> None:
    ring = FrameRing(jpeg_quality=None)
    for i in range(10):  # what the worker had before the report: never used
        ring.push(frame(i, -10 + i))

    def worker() -> None:  # the live worker goes on pushing 2 frames a second
        for i in range(10, 30):
            ring.push(frame(i, (i - 10) * 0.5))
            threading.Event().wait(0.01)

    thread = threading.Thread(target=worker)
    thread.start()
    grab = from_ring("cam-1", ring, T0, GrabPlan(count=3, spacing_s=2.0, timeout_s=10.0))
    thread.join()
    assert grab.origin == "live" and grab.why == ""
    assert [(f.captured_at - T0).total_seconds() for f in grab.frames] == [0.0, 2.0, 4.0]


def test_a_camera_that_stops_giving_frames_is_named_with_what_it_gave() -> None:
    ring = FrameRing(jpeg_quality=None)
    ring.push(frame(0, -5))
    ring.push(frame(1, 1))
    grab = from_ring("cam-1", ring, T0, GrabPlan(count=3, spacing_s=2.0, timeout_s=0.3))
    assert len(grab.frames) == 1
    assert grab.why == "camera cam-1 gave 1 frame(s) after the 处置 report within 0.3 s"
