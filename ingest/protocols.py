"""What a camera worker needs from the vision stage and from the evidence stage."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from domain.types import Frame, Violation
from ingest.config import CameraConfig
from vision.sink import ViolationSink as Sink


@runtime_checkable
class FrameAnalyzer(Protocol):
    """Per-camera vision state (detector, tracker, rules). `detect=False` means the motion gate saw
    nothing new: skip the detector but let rules advance their clocks on `frame.captured_at`."""

    def process(self, frame: Frame, detect: bool) -> list[Violation]: ...


@runtime_checkable
class MotionHints(Protocol):
    """Optional, for an analyzer: where change in the next frame is already explained (normalised xyxy
    boxes of things none of the camera's rules reads, such as pedestrians beside a no-parking zone), so
    the motion gate does not wake the detector for it."""

    def explained_motion(self) -> list[tuple[float, float, float, float]]: ...


@runtime_checkable
class ViewDrift(Protocol):
    """Optional, for an analyzer: how far (pixels, x and y) the camera's picture has drifted from the view
    its analysis started on, for the camera's health."""

    def view_offset(self) -> tuple[float, float]: ...


@runtime_checkable
class ViewWatch(Protocol):
    """Optional, for an analyzer: whether the camera shows another view than the one its zones were
    drawn on (turned or knocked away), so that no rule runs; for the camera's health."""

    @property
    def view_lost(self) -> bool: ...


# The one violation sink protocol (vision/sink.py), for violations that come from a camera.
ViolationSink = Sink[CameraConfig]


@runtime_checkable
class EvidenceFirst(Protocol):
    """Optional, for a sink that writes evidence off the camera's thread: the camera waits (at most
    `max_wait_s` from when the record in hand was begun) while it has one in hand, so a confirmed
    violation is not kept waiting by routine frames."""

    def yield_to_evidence(self, max_wait_s: float) -> None: ...


@runtime_checkable
class ClosableSink(Protocol):
    """Optional: a sink with work in flight (a queue, a writer thread) finishes it in `close()`."""

    def close(self) -> None: ...
