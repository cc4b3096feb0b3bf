"""Runs every enabled camera's worker, restarts crashed ones with backoff, reports health, stops cleanly.

Embedded mode: one thread per camera (decoding in PyAV releases the GIL), at a lower CPU priority than
the evidence writer and the API (`camera_nice`, see domain.thread_priority), so a confirmed violation's
evidence is not kept waiting by routine frames on a saturated machine. On stop, each worker
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

from domain.thread_priority import CAMERA_NICE, lower_thread_priority
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
        camera_nice: int = CAMERA_NICE,
    ):
        self.cameras = [c for c in cameras if c.enabled]
        self.worker_factory = worker_factory
        self.reporter = reporter
        self.sinks = list(sinks)
        self.report_interval_s = report_interval_s
        self.stall_after_s = stall_after_s
        self.restart_backoff = restart_backoff
        self.healthy_run_s = healthy_run_s
        self.camera_nice = camera_nice  # added to each camera thread's nice value (0: as the process)
        self.workers: dict[str, CameraWorker] = {}
        self._threads: list[threading.Thread] = []
        self._worker_stops: dict[str, threading.Event] = {}  # one per camera: stops that camera alone
        self._worker_threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._reporter_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        for camera in self.cameras:
            self._launch(camera)
        if self.reporter is not None:
            self._reporter_thread = threading.Thread(
                target=self._report_loop, name="camera-health", daemon=True
            )
            self._reporter_thread.start()
        log.info("supervisor started %d camera worker(s)", len(self.workers))

    def _launch(self, camera: CameraConfig) -> None:
        worker = self.worker_factory(camera)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._run_camera, args=(worker, stop), name=f"camera-{camera.id}", daemon=True
        )
        with self._lock:
            self.workers[camera.id] = worker
            self._worker_stops[camera.id] = stop
            self._worker_threads[camera.id] = thread
            self._threads.append(thread)
        thread.start()

    def apply(self, camera: CameraConfig, timeout_s: float = 15.0) -> None:
        """While running: start a new camera, restart a changed one with its new settings, or stop
        a disabled one. The old worker finishes the frame in hand before the new one starts."""
        self.remove(camera.id, timeout_s)
        if camera.enabled and not self._stop.is_set():
            self._launch(camera)
            log.info("camera %s started", camera.id)

    def remove(self, camera_id: str, timeout_s: float = 15.0) -> None:
        """Stop one camera's worker and forget it (its health leaves the live report)."""
        with self._lock:
            stop = self._worker_stops.pop(camera_id, None)
            thread = self._worker_threads.pop(camera_id, None)
            self.workers.pop(camera_id, None)
        if stop is None or thread is None:
            return
        stop.set()
        thread.join(timeout_s)
        if thread.is_alive():
            log.error("camera %s worker did not stop within %.0f s", camera_id, timeout_s)
        log.info("camera %s stopped", camera_id)

    def request_stop(self) -> None:
        """Safe from a signal handler: asks every worker to stop after the frame in hand. (It takes
        no lock: the copy of the per-camera events is one call under the GIL.)"""
        self._stop.set()
        for stop in list(self._worker_stops.values()):
            stop.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop workers, let sinks finish evidence in flight, write a last health report."""
        self._stop.set()
        with self._lock:
            stops = list(self._worker_stops.values())
        for stop in stops:
            stop.set()
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
    def _run_camera(self, worker: CameraWorker, stop: threading.Event) -> None:
        lower_thread_priority(self.camera_nice)  # before the reader and decoder threads start: they inherit it
        backoff = self.restart_backoff()
        while not (stop.is_set() or self._stop.is_set()):
            started = time.monotonic()
            try:
                state = worker.run(stop)
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
                if stop.wait(delay) or self._stop.is_set():
                    return
                worker.restarts += 1
                continue
            if state in _FINAL_STATES:
                log.info("camera %s worker ended: %s", worker.camera.id, state)
                return

    # -- health ------------------------------------------------------------------------------------
    def health(self) -> list[CameraHealthSnapshot]:
        with self._lock:
            workers = list(self.workers.values())
        return [w.health(self.stall_after_s) for w in workers]

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
