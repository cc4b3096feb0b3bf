"""Evidence off the camera threads: cameras hand confirmed violations to one writer thread and go on.

The writer thread encodes, signs and commits each record (`EvidenceWriter.write`). The hand-over
queue is bounded: when it is full (the store is slow or stuck) the violation is put in the writer's
spool on disk instead of waiting or being dropped, and the writer takes spooled violations first on
its next write (or when idle). Closing drains the queue; whatever the thread cannot finish within the
timeout is spooled, so a restart of the writer or of the process loses no confirmed violation.

A confirmed violation goes before routine frames: while the writer has a record in hand, camera workers
wait before analysing their next frame (`yield_to_evidence`), up to a bound counted from when that record
was begun, so a slow or stuck store never holds the cameras for longer than that per record. A live
camera that waits drops what it missed (its reader samples by arrival time); nothing confirmed waits.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from api.pipeline.sinks import ContextFactory
from domain.types import Violation
from evidence.errors import StoreUnavailableError
from evidence.records import RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Job:
    violation: Violation
    context: RecordContext


class QueuedEvidenceSink:
    def __init__(
        self,
        writer: EvidenceWriter,
        context_for: ContextFactory,
        *,
        max_queue: int = 4,
        idle_retry_s: float = 5.0,
        poll_s: float = 0.2,
    ):
        if max_queue < 1:
            raise ValueError(f"evidence queue needs max_queue >= 1, got {max_queue}")
        self.writer = writer
        self.context_for = context_for
        self.idle_retry_s = idle_retry_s
        self.poll_s = poll_s
        self.written = 0
        self.failed = 0  # records the writer could not build (a bug, logged with its traceback)
        self.spooled = 0  # kept in the spool: the queue was full, the store refused, or close timed out
        self._queue: queue.Queue[_Job] = queue.Queue(maxsize=max_queue)
        self._in_hand = threading.Condition()
        self._begun: float | None = None  # monotonic time the record in hand was begun; None when idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="evidence-writer", daemon=True)
        self._thread.start()

    # camera side ---------------------------------------------------------------------------------
    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        """Hand the violation over without waiting for the store; spool it when the queue is full."""
        job = _Job(violation, self.context_for(camera))
        if self._stop.is_set():
            self._spill(job, "the evidence writer is stopped")
            return
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            self._spill(job, f"the evidence queue is full ({self._queue.maxsize} waiting)")

    def yield_to_evidence(self, max_wait_s: float) -> None:
        """Wait while the writer has a record in hand, at most until `max_wait_s` after it was begun."""
        with self._in_hand:
            while self._begun is not None:
                left = self._begun + max_wait_s - time.monotonic()
                if left <= 0:
                    return
                self._in_hand.wait(left)

    def retry_spooled(self) -> None:
        """Safe from any thread (the writer serialises its own writes)."""
        try:
            for record in self.writer.retry_spooled():
                log.info("spooled violation written as record %s", record.record_id)
        except (StoreUnavailableError, OSError) as exc:
            log.warning("evidence store still unavailable: %s", exc)

    def close(self, timeout_s: float = 30.0) -> None:
        """Write what is queued; what is still queued after `timeout_s` (a stuck store) is spooled."""
        self._stop.set()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.error("evidence writer still busy after %.0f s; spooling what it has not taken", timeout_s)
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            self._spill(job, "the evidence writer stopped before writing it")

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    # writer side ---------------------------------------------------------------------------------
    def _run(self) -> None:
        idle = 0.0
        while True:
            try:
                job = self._queue.get(timeout=self.poll_s)
            except queue.Empty:
                if self._stop.is_set():
                    return
                idle += self.poll_s
                if idle >= self.idle_retry_s and len(self.writer.spool):
                    idle = 0.0
                    self.retry_spooled()
                continue
            idle = 0.0
            with self._in_hand:
                self._begun = time.monotonic()
            try:
                self._write(job)
            finally:
                with self._in_hand:
                    self._begun = None
                    self._in_hand.notify_all()

    def _write(self, job: _Job) -> None:
        violation = job.violation
        try:
            record = self.writer.write(violation, job.context)
        except StoreUnavailableError as exc:
            self.spooled += 1
            log.error("%s", exc)  # already names the cause and where the violation is kept
            return
        except Exception:  # noqa: BLE001 - the writer thread must outlive one bad record
            # not spooled: a record the writer cannot build would fail every later write that drains the spool
            self.failed += 1
            log.exception("evidence for %s (%s) could not be built", violation.episode_key, violation.violation_type)
            return
        self.written += 1
        log.info(
            "%s on %s (%s) -> evidence record %s (%s)",
            violation.violation_type, violation.source_id, violation.zone_name, record.record_id, record.kind,
        )

    def _spill(self, job: _Job, why: str) -> None:
        item_id, where = self.writer.spool.put(job.violation, job.context)
        self.spooled += 1
        log.warning("%s: violation %s (%s) kept as %s in %s for the writer to take later",
                    why, job.violation.episode_key, job.violation.violation_type, item_id, where)
