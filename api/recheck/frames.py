"""Re-check frames of a camera: from its running worker's ring buffer (frames captured after the 处置
report), else from its source opened here: a live stream's next frames, or a recorded file's last ones
(a file has no 'after': its end is the latest the source shows, and the record says it was a file)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from domain.types import Frame
from ingest.config import CameraConfig
from ingest.readers import FrameReader, SourceError, open_reader, options_for
from ingest.readers.pyav_reader import LIVE_SCHEMES
from ingest.redact import mask_text
from ingest.ring import FrameRing

FrameOrigin = Literal["live", "file", "none"]
ReaderFactory = Callable[[CameraConfig], FrameReader]


@dataclass(frozen=True, eq=False)
class FrameGrab:
    frames: tuple[Frame, ...]
    origin: FrameOrigin
    why: str = ""  # why fewer frames than asked for came (credential-free)


@dataclass(frozen=True)
class GrabPlan:
    count: int = 3  # frames to look at
    spacing_s: float = 2.0  # at least this far apart (capture time)
    timeout_s: float = 30.0  # give up waiting after this long (wall time)


def _spaced(frames: list[Frame] | deque[Frame] | tuple[Frame, ...], spacing_s: float) -> list[Frame]:
    kept: list[Frame] = []
    for frame in frames:
        if not kept or (frame.captured_at - kept[-1].captured_at).total_seconds() >= spacing_s:
            kept.append(frame)
    return kept


def from_ring(
    camera_id: str, ring: FrameRing, after: datetime, plan: GrabPlan, sleep: Callable[[float], None] = time.sleep
) -> FrameGrab:
    """Frames the running worker captures after `after`, `spacing_s` apart, waiting up to the timeout."""
    deadline = time.monotonic() + plan.timeout_s
    while True:
        kept = _spaced(ring.between(after, after + timedelta(days=3650)), plan.spacing_s)[: plan.count]
        if len(kept) >= plan.count:
            return FrameGrab(tuple(kept), "live")
        if time.monotonic() >= deadline:
            why = f"camera {camera_id} gave {len(kept)} frame(s) after the 处置 report within {plan.timeout_s:g} s"
            return FrameGrab(tuple(kept), "live", why)
        sleep(0.2)


def from_source(
    camera: CameraConfig, after: datetime, plan: GrabPlan, reader_factory: ReaderFactory | None = None
) -> FrameGrab:
    """Open the camera's source here and take its frames (see the module doc)."""
    live = urlsplit(camera.source).scheme in LIVE_SCHEMES
    open_s = min(plan.timeout_s, 10.0)
    factory = reader_factory or (
        lambda cam: open_reader(
            cam, options_for(cam, analysis_fps=1.0 / plan.spacing_s, open_timeout_s=open_s, stall_timeout_s=open_s)
        )
    )
    deadline = time.monotonic() + plan.timeout_s
    kept: deque[Frame] = deque(maxlen=plan.count)
    why = ""
    reader = factory(camera)
    try:
        for frame in reader:
            if live and frame.captured_at < after:
                continue
            if not kept or (frame.captured_at - kept[-1].captured_at).total_seconds() >= plan.spacing_s:
                kept.append(frame)
            if live and len(kept) >= plan.count:
                break
            if time.monotonic() >= deadline:
                why = f"camera {camera.id}: only {len(kept)} frame(s) within {plan.timeout_s:g} s"
                break
    except SourceError as exc:
        why = f"camera {camera.id} is unavailable: {mask_text(str(exc))}"
    finally:
        reader.close()
    if live and len(kept) < plan.count and not why:
        why = f"camera {camera.id}: the stream gave {len(kept)} frame(s)"
    return FrameGrab(tuple(kept), "live" if live else "file", why)
