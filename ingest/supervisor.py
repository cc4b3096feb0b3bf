"""Runs every enabled camera's worker, restarts crashed ones with backoff, reports health, stops cleanly.

Embedded mode: one thread per camera (decoding in PyAV releases the GIL). On stop, each worker
finishes the frame in hand, including the sink's work on any violation from it, then sinks with
work in flight are closed.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from ingest.backoff import Backoff
from ingest.config import CameraConfig
from ingest.health import CameraHealthSnapshot, HealthReporter
from ingest.protocols import ClosableSink, FrameAnalyzer, ViolationSink
from ingest.readers import open_reader
from ingest.redact import mask_text
from ingest.worker import CameraWorker, ReaderFactory

log = logging.getLogger(__name__)

WorkerFactory = Callable[[CameraConfig], CameraWorker]
_FINAL_STATES = ("finished", "failed", "stopped")


class Supervisor:
    def __init__(
        self,
        cameras: Sequence[CameraConfig],
        worker_factory: WorkerFactory,
        reporter: HealthReporter | None = None,
        *,
        sinks: Sequence[object] = (),
        report_interval_s: float = 5.0,
        stall_after_s: float = 30.0,
        restart_backoff: Callable[[], Backoff] = lambda: Backoff(initial_s=1.0, maximum_s=60.0),
        healthy_run_s: float = 60.0,
    ):
        self.cameras = [c for c in cameras if c.enabled]
        self.worker_factory = worker_factory
        self.reporter = reporter
        self.sinks = list(sinks)
        self.report_interval_s = report_interval_s
        self.stall_after_s = stall_after_s
        self.restart_backoff = restart_backoff
        self.healthy_run_s = healthy_run_s
        self.workers: dict[str, CameraWorker] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._reporter_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        for camera in self.cameras:
            worker = self.workers[camera.id] = self.worker_factory(camera)
            thread = threading.Thread(
                target=self._run_camera, args=(worker,), name=f"camera-{camera.id}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        if self.reporter is not None:
            self._reporter_thread = threading.Thread(
                target=self._report_loop, name="camera-health", daemon=True
            )
            self._reporter_thread.start()
        log.info("supervisor started %d camera worker(s)", len(self.workers))

    def request_stop(self) -> None:
        """Safe from a signal handler: asks every worker to stop after the frame in hand."""
        self._stop.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop workers, let sinks finish evidence in flight, write a last health report."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.error("%s did not stop within %.0f s", thread.name, timeout_s)
        for sink in self.sinks:
            if isinstance(sink, ClosableSink):
                sink.close()
        if self._reporter_thread is not None:
            self._reporter_thread.join(max(0.0, deadline - time.monotonic()))
        self._report()
        self._stopped.set()
        log.info("supervisor stopped")

    def install_signal_handlers(self) -> None:
        """SIGTERM / SIGINT ask for a clean stop (call from the main thread)."""

        def handler(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %d: stopping camera workers", signum)
            self.request_stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def run_forever(self) -> None:
        """Start, wait for SIGTERM/SIGINT (or `request_stop`), stop cleanly."""
        self.install_signal_handlers()
        self.start()
        while not self._stop.wait(0.5):
            pass
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- workers -----------------------------------------------------------------------------------
    def _run_camera(self, worker: CameraWorker) -> None:
        backoff = self.restart_backoff()
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                state = worker.run(self._stop)
            except Exception as exc:  # noqa: BLE001 - any crash is restarted, never taken down the others
                worker.record_crash(exc)
                if time.monotonic() - started > self.healthy_run_s:
                    backoff.reset()
                delay = backoff.next_delay()
                log.error(
                    "camera %s worker crashed (%s); restart %d in %.1f s",
                    worker.camera.id,
                    mask_text(f"{type(exc).__name__}: {exc}"),
                    worker.restarts + 1,
                    delay,
                    exc_info=True,
                )
                if self._stop.wait(delay):
                    return
                worker.restarts += 1
                continue
            if state in _FINAL_STATES:
                log.info("camera %s worker ended: %s", worker.camera.id, state)
                return

    # -- health ------------------------------------------------------------------------------------
    def health(self) -> list[CameraHealthSnapshot]:
        return [w.health(self.stall_after_s) for w in self.workers.values()]

    def _report(self) -> None:
        if self.reporter is None:
            return
        try:
            self.reporter.report(self.health())
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the cameras
            log.exception("camera health report failed")

    def _report_loop(self) -> None:
        while not self._stop.wait(self.report_interval_s):
            self._report()


def embedded_supervisor(
    cameras: Sequence[CameraConfig],
    analyzer_factory: Callable[[CameraConfig], FrameAnalyzer],
    sink: ViolationSink,
    reporter: HealthReporter | None = None,
    *,
    reader_factory: ReaderFactory = open_reader,
    **supervisor_options: Any,
) -> Supervisor:
    """The usual wiring: one worker per enabled camera with its own analyzer, one shared sink."""
    return Supervisor(
        cameras,
        lambda camera: CameraWorker(camera, reader_factory, analyzer_factory(camera), sink),
        reporter,
        sinks=[sink],
        **supervisor_options,
    )
