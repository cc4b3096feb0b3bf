"""One detector shared by the cameras of a process: frames that are ready together run as one batch.

Each camera's `detect(image)` is queued and the camera waits for its own answer. A worker takes the
oldest waiting frame and the frames that arrive within `max_wait_ms` of it (up to `max_batch`, or
fewer when `callers` says how many cameras use it and all of them are waiting: a camera has one frame
in flight at most, so no other can come), runs them in one batched call per frame size (`detect_many`;
per model input where the detector has a `batch_key`, as OpenVINO's has) and answers each caller with
its own detections. With several workers one gathers at a time while the others run their batches.

Workers: one by default, by measurement (bench/shared_detector_bench.py, 2-core machine under load
7-18 from other jobs, street on OpenVINO and street-v2 on ONNX Runtime, 1 thread per call, 4 and 8
cameras, two runs): one worker cost the least CPU per frame (street 30.2-31.8 ms, a worker per core
32.8-37.1, a detector per camera 33.0-34.8; street-v2 28.7-30.5 against 32.0-34.6 and 29.1-34.3), and
for OpenVINO 70-135 MiB less memory than a worker per core (each worker is a CPU stream); frames/s
and p95 call time differed from run to run by more than between the setups. Two batches of four side
by side cost more per frame than one after the other. One worker puts all inference on one core
(about 35 frames/s of street at 640x384 here) while the cameras decode, track and read plates on the
other; where detection alone needs more than a core, set `workers` (an OpenVINO detector then
compiles a CPU stream per worker).

Priority: workers run below the evidence writer and above the camera threads (domain.thread_priority,
DETECTOR_NICE): every camera waits on them, and at a camera's weight a worker got about half a core while
twenty cameras decoded. Where detection needs more than the one core a worker can use, set `workers`; the
shipped cameras file sets 2 (its comment and the README give the 20-camera figures).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from domain.thread_priority import DETECTOR_NICE, lower_thread_priority
from domain.types import Detections
from vision.detectors.base import Detector, DetectorError, input_size
from vision.detectors.batch import batch_key, detect_many
from vision.detectors.config import DetectorConfig, SharedDetectorConfig
from vision.detectors.factory import build_detector

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchStats:
    batches: int  # batched calls made (one per frame size in a gathered batch)
    frames: int
    largest: int

    @property
    def mean_batch(self) -> float:
        return self.frames / self.batches if self.batches else 0.0


@dataclass
class _Request:
    image: npt.NDArray[np.uint8]
    image_size: int | None  # the input's long side asked for (None: the detector's own)
    arrived: float  # time.monotonic() when queued
    answer: Future[Detections] = field(default_factory=Future)


class SharedDetector:
    """The `Detector` interface over one built detector, safe to call from many camera threads.
    The wrapped detector must take `workers` calls at once (`build_detector(config, workers)`)."""

    def __init__(self, detector: Detector, *, max_batch: int = 4, max_wait_ms: float = 10.0, workers: int = 1):
        if max_batch < 1 or max_wait_ms < 0 or workers < 1:
            raise ValueError(
                f"shared detector needs max_batch >= 1, max_wait_ms >= 0, workers >= 1; "
                f"got {max_batch}, {max_wait_ms}, {workers}"
            )
        self.detector = detector
        self.model_name = detector.model_name
        self.weights_sha256 = detector.weights_sha256
        self.detector_type = detector.detector_type
        self.labels = detector.labels
        self.config = getattr(detector, "config", None)
        self.image_size = input_size(detector)
        self.max_batch = max_batch
        self.max_wait_s = max_wait_ms / 1000.0
        self.callers = 0  # the cameras that use it, where known (0: unknown)
        self._queue: deque[_Request] = deque()
        self._ready = threading.Condition()
        self._gather = threading.Lock()  # one worker gathers a batch while the others run theirs
        self._closed = False
        self._batches = self._frames = self._largest = 0
        self._workers = [
            threading.Thread(target=self._serve, name=f"detector-{self.model_name}-{i}", daemon=True)
            for i in range(workers)
        ]
        for worker in self._workers:
            worker.start()

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self._ask(image, None)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        """`detect` at another input size, where the shared detector can (else at its own)."""
        return self._ask(image, image_size if self.image_size else None)

    def _ask(self, image: npt.NDArray[np.uint8], image_size: int | None) -> Detections:
        # the configured size asked for by number is the same input: such frames may share a batch
        request = _Request(image, None if image_size == self.image_size else image_size, time.monotonic())
        with self._ready:
            if self._closed:
                raise self._closed_error()
            self._queue.append(request)
            self._ready.notify_all()
        return request.answer.result()

    def _closed_error(self) -> DetectorError:
        return DetectorError(f"shared detector {self.model_name!r} is closed (the pipeline is stopping)")

    def _take(self) -> list[_Request] | None:
        """The oldest waiting frame and those that join it within `max_wait_s` of its arrival; None
        once closed."""
        with self._ready:
            while not self._queue and not self._closed:
                self._ready.wait()
            if self._closed:
                return None
            deadline = self._queue[0].arrived + self.max_wait_s
            full = min(self.max_batch, self.callers) if self.callers else self.max_batch
            while len(self._queue) < full and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._ready.wait(left)
            if self._closed:
                return None
            return [self._queue.popleft() for _ in range(min(self.max_batch, len(self._queue)))]

    def _serve(self) -> None:
        lower_thread_priority(DETECTOR_NICE)
        while True:
            with self._gather:
                batch = self._take()
            if batch is None:
                return
            groups: dict[Hashable, list[_Request]] = {}
            for request in batch:  # frames of one size, or of one model input where the detector says
                key = batch_key(self.detector, request.image, request.image_size)
                groups.setdefault(key, []).append(request)
            for group in groups.values():
                self._run(group)

    def _run(self, group: Sequence[_Request]) -> None:
        try:
            results = detect_many(self.detector, [request.image for request in group], group[0].image_size)
        except Exception as exc:  # noqa: BLE001 - every caller of the batch gets it; the worker goes on
            log.warning("detector %s failed on a batch of %d: %s", self.model_name, len(group), exc)
            for request in group:
                error = DetectorError(f"detector {self.model_name!r} failed on a batch of {len(group)}: {exc}")
                error.__cause__ = exc
                request.answer.set_exception(error)
            return
        with self._ready:
            self._batches += 1
            self._frames += len(group)
            self._largest = max(self._largest, len(group))
        for request, result in zip(group, results, strict=True):
            request.answer.set_result(result)

    def stats(self) -> BatchStats:
        with self._ready:
            return BatchStats(self._batches, self._frames, self._largest)

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the workers. Frames still queued get an error naming the detector; a batch already
        running answers its callers first."""
        with self._ready:
            if self._closed:
                return
            self._closed = True
            waiting = list(self._queue)
            self._queue.clear()
            self._ready.notify_all()
        for request in waiting:
            request.answer.set_exception(self._closed_error())
        for worker in self._workers:
            worker.join(timeout_s)


def worker_count(config: DetectorConfig, sharing: SharedDetectorConfig) -> int:
    """`sharing.workers`, else one (see the module's note); an ultralytics model takes one call at a time."""
    if config.type == "ultralytics":
        return 1
    return sharing.workers or 1


def share_detector(config: DetectorConfig, sharing: SharedDetectorConfig) -> SharedDetector:
    """Build the detector once, ready for its workers' concurrent calls, and share it."""
    workers = worker_count(config, sharing)
    detector = build_detector(config, parallel_calls=workers)
    return SharedDetector(detector, max_batch=sharing.max_batch, max_wait_ms=sharing.max_wait_ms, workers=workers)
