"""One camera's loop: read -> ring buffer -> motion gate -> analyzer -> clip -> sink.

A plain class, the same in embedded (thread), process and Ray modes; only the launcher differs.
Per-camera state (ring buffer, motion gate, the analyzer's tracker and rule timers) lives here and
survives reconnects, so an episode that started before a network drop still completes after it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from domain.types import Frame, Violation
from ingest.backoff import Backoff
from ingest.config import CameraConfig
from ingest.health import CameraHealthSnapshot, RateMeter, WorkerState
from ingest.motion import MotionGate
from ingest.protocols import EvidenceFirst, FrameAnalyzer, MotionHints, ViewDrift, ViewWatch, ViolationSink
from ingest.readers.base import CorruptSourceError, FrameReader, SourceError, StallError
from ingest.redact import mask_text
from ingest.ring import FrameRing

log = logging.getLogger(__name__)

ReaderFactory = Callable[[CameraConfig], FrameReader]


class CameraWorker:
    def __init__(
        self,
        camera: CameraConfig,
        reader_factory: ReaderFactory,
        analyzer: FrameAnalyzer,
        sink: ViolationSink,
        *,
        motion_gate: MotionGate | None = None,
        ring: FrameRing | None = None,
        backoff: Backoff | None = None,
        clip_seconds: float = 10.0,
        evidence_yield_s: float = 1.0,
    ):
        self.camera = camera
        self.reader_factory = reader_factory
        self.analyzer = analyzer
        self._drift_of = analyzer.view_offset if isinstance(analyzer, ViewDrift) else None  # checked once
        self._view_watch = analyzer if isinstance(analyzer, ViewWatch) else None
        self.sink = sink
        # change outside every zone (and its margin) does not wake the detector
        self.motion_gate = motion_gate or MotionGate(regions=[zone.polygon for zone in camera.zones])
        self.ring = ring or FrameRing()
        self.backoff = backoff or Backoff()
        self.clip_seconds = clip_seconds
        # with a sink that writes evidence off this thread: wait for the record it has in hand (at most this
        # long from when it was begun) before analysing the next frame; 0: never wait
        self.evidence_yield_s = evidence_yield_s
        self._evidence_first = sink if isinstance(sink, EvidenceFirst) and evidence_yield_s > 0 else None
        self._lock = threading.Lock()
        self._state: WorkerState = "starting"
        self._frames_before = 0  # decoded by earlier connections
        self._frames_total = 0
        self._frames_analysed = 0
        self._skipped = 0
        self._violations = 0
        self._reconnects = 0
        self.restarts = 0  # counted by whoever restarts the worker (the supervisor)
        self._last_error: str | None = None
        self._last_frame_at: datetime | None = None
        self._last_frame_monotonic: float | None = None
        self._clock_offset: float | None = None
        self._view_offset: tuple[float, float] | None = None
        self._view_lost: bool | None = None
        self._input_rate = RateMeter()
        self._analysed_rate = RateMeter()

    # -- the loop ----------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> WorkerState:
        """Run until `stop` is set, a finite source ends, or the source is broken for good.
        Network trouble is retried with backoff; an exception from the analyzer or sink propagates
        (the supervisor restarts the worker)."""
        while not stop.is_set():
            self._set_state("starting" if self._reconnects == 0 else "reconnecting")
            reader = self.reader_factory(self.camera)
            try:
                for frame in reader:
                    self._on_frame(frame, reader)
                    if stop.is_set():
                        break
                else:
                    return self._set_state("finished")
            except CorruptSourceError as exc:
                self._fail(exc)
                return self._set_state("failed")
            except SourceError as exc:
                delay = self.backoff.next_delay()
                with self._lock:
                    self._reconnects += 1
                    self._last_error = mask_text(str(exc))
                    self._state = "stalled" if isinstance(exc, StallError) else "reconnecting"
                log.warning("camera %s: %s; reconnecting in %.1f s", self.camera.id, self._last_error, delay)
                stop.wait(delay)
            finally:
                reader.close()
                with self._lock:
                    self._frames_before += reader.stats.frames_decoded
                    self._frames_total = self._frames_before
        return self._set_state("stopped")

    def _on_frame(self, frame: Frame, reader: FrameReader) -> None:
        if self._evidence_first is not None:
            self._evidence_first.yield_to_evidence(self.evidence_yield_s)
        self.ring.push(frame)
        explained = self.analyzer.explained_motion() if isinstance(self.analyzer, MotionHints) else []
        detect = self.motion_gate.update(frame, explained)
        violations = self.analyzer.process(frame, detect)
        with self._lock:
            if self._state != "running":
                self._state = "running"
                self.backoff.reset()
            self._frames_total = self._frames_before + reader.stats.frames_decoded
            self._frames_analysed += 1
            self._skipped += 0 if detect else 1
            self._last_frame_at = frame.captured_at
            self._last_frame_monotonic = time.monotonic()
            self._clock_offset = reader.stats.clock_offset_s
            self._view_offset = self._drift_of() if self._drift_of is not None else None
            self._view_lost = self._view_watch.view_lost if self._view_watch is not None else None
            self._input_rate.add(frame.captured_at, self._frames_total)
            self._analysed_rate.add(frame.captured_at, self._frames_analysed)
        for violation in violations:
            self.sink.submit(self._with_clip(violation), self.camera)
            with self._lock:
                self._violations += 1

    def _with_clip(self, violation: Violation) -> Violation:
        if violation.clip_frames:
            return violation
        clip = self.ring.clip(self.clip_seconds, until=violation.confirmed_at)  # decoded by the writer
        return dataclasses.replace(violation, clip_frames=clip)

    def _fail(self, exc: BaseException) -> None:
        with self._lock:
            self._last_error = mask_text(str(exc))
        log.error("camera %s: %s", self.camera.id, self._last_error)

    def record_crash(self, exc: BaseException) -> None:
        """Called by the supervisor when `run` raised."""
        with self._lock:
            self._state = "crashed"
            self._last_error = mask_text(f"{type(exc).__name__}: {exc}")

    def _set_state(self, state: WorkerState) -> WorkerState:
        with self._lock:
            self._state = state
        return state

    # -- health ------------------------------------------------------------------------------------
    def health(self, stall_after_s: float | None = None) -> CameraHealthSnapshot:
        """A consistent snapshot. With `stall_after_s`, a running camera with no frame for that long
        (wall time, monitoring only) is reported as stalled."""
        with self._lock:
            state = self._state
            if (
                stall_after_s is not None
                and state == "running"
                and self._last_frame_monotonic is not None
                and time.monotonic() - self._last_frame_monotonic > stall_after_s
            ):
                state = "stalled"
            return CameraHealthSnapshot(
                camera_id=self.camera.id,
                state=state,
                input_fps=self._input_rate.rate(),
                analysed_fps=self._analysed_rate.rate(),
                skipped_by_motion=self._skipped,
                frames_total=self._frames_total,
                frames_analysed=self._frames_analysed,
                violations=self._violations,
                last_frame_at=self._last_frame_at,
                reconnects=self._reconnects,
                restarts=self.restarts,
                last_error=self._last_error,
                clock_offset_s=self._clock_offset,
                view_offset_px=self._view_offset,
                view_lost=self._view_lost,
            )
