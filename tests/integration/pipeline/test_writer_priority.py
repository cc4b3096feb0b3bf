"""A confirmed violation before routine frames: while camera threads keep every core busy, the evidence
writer gets far more of a core than any camera thread, because cameras run at a lower CPU priority
(domain.thread_priority) and wait for the record in hand before their next frame. Without either,
the writer's share is a camera's share."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from api.pipeline.context import ModelIdentity, camera_context
from api.pipeline.evidence_queue import QueuedEvidenceSink
from domain.thread_priority import CAMERA_NICE, DETECTOR_NICE, lower_thread_priority, thread_nice
from domain.types import Detections, Frame, Violation
from evidence.keys import Signer
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_violation
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig
from ingest.readers import open_reader
from ingest.supervisor import Supervisor
from ingest.testclips import write_clip
from ingest.worker import CameraWorker
from vision.detectors.shared import SharedDetector
from vision.plates.pool import PlatePool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")

START = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
LOCATION = {"lat": 30.2, "lon": 120.1, "address": "gate", "grid_code": "330102", "responsible_unit": "unit"}
MODEL = ModelIdentity("test-model", "0" * 64, "onnx")
BUSY = bytes(1 << 20)
Sample = tuple[float, float]  # wall clock, thread CPU


class BusyAnalyzer:
    """Burns about 5 ms of CPU per frame outside the GIL (as decoding and inference do), noting its thread's
    CPU as it goes; `confirm` is handed over at the 20th frame."""

    def __init__(self, confirm: Violation | None = None):
        self.confirm = confirm
        self.samples: list[Sample] = []
        self.nice: int | None = None
        self.frames = 0

    def process(self, frame: Frame, detect: bool) -> list[Violation]:
        self.nice = thread_nice()
        end = time.thread_time() + 0.005
        while time.thread_time() < end:
            hashlib.sha256(BUSY)
        self.samples.append((time.perf_counter(), time.thread_time()))
        self.frames += 1
        return [self.confirm] if self.confirm is not None and self.frames == 20 else []


class WriterClock:
    """The writer's `on_step` hook: its thread's wall and CPU time around building the bundle."""

    def __init__(self) -> None:
        self.start: Sample | None = None
        self.end: Sample | None = None
        self.nice: int | None = None
        self.done = threading.Event()

    def __call__(self, step: str) -> None:
        if step == "staging":
            self.nice, self.start = thread_nice(), (time.perf_counter(), time.thread_time())
        elif step == "staged":
            self.end = (time.perf_counter(), time.thread_time())
        elif step == "rows":
            self.done.set()


def share(samples: list[Sample], start: float, end: float) -> float:
    """A camera thread's CPU per wall second over the samples spanning [start, end]."""
    before = [s for s in samples if s[0] <= start] or samples[:1]
    after = [s for s in samples if s[0] >= end] or samples[-1:]
    (w0, c0), (w1, c1) = before[-1], after[0]
    return (c1 - c0) / (w1 - w0) if w1 > w0 else 0.0


@pytest.mark.parametrize(("camera_nice", "yield_s"), [(CAMERA_NICE, 1.0), (0, 0.0)], ids=["product", "control"])
def test_the_writer_gets_a_core_while_cameras_saturate_them(tmp_path: Path, camera_nice: int, yield_s: float) -> None:
    clip = write_clip(tmp_path / "scene.mp4", seconds=120, fps=10, width=64, height=48)
    cameras = [
        CameraConfig(id=f"cam-{i}", name=f"cam {i}", source=f"file:{clip}", location=LOCATION, start_time=START,
                     analysis_fps=10)
        for i in range(3 * (os.cpu_count() or 2))
    ]
    violation = make_violation(device_id=cameras[0].id, width=1920, height=1080, clip_frames=10)
    analyzers = {c.id: BusyAnalyzer(violation if c is cameras[0] else None) for c in cameras}
    clock = WriterClock()
    writer = EvidenceWriter(tmp_path / "store", Signer.load_or_create(tmp_path / "key"), MemoryRecordSink(),
                            on_step=clock)
    writer.open()
    sink = QueuedEvidenceSink(writer, lambda c: camera_context(c, MODEL, "0" * 64))
    supervisor = Supervisor(
        cameras,
        lambda c: CameraWorker(c, open_reader, analyzers[c.id], sink, evidence_yield_s=yield_s),
        sinks=[sink],
        camera_nice=camera_nice,
    )
    supervisor.start()
    try:
        assert clock.done.wait(120), "the violation was not written"
    finally:
        supervisor.stop()
    assert sink.written == 1
    assert clock.start is not None and clock.end is not None
    (w0, c0), (w1, c1) = clock.start, clock.end
    writer_share = (c1 - c0) / (w1 - w0)
    camera_share = sum(share(a.samples, w0, w1) for a in analyzers.values()) / len(analyzers)
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    assert clock.nice == process and {a.nice for a in analyzers.values()} == {process + camera_nice}
    # seen on the 2-core dev machine under other jobs' load: 40-55 times a camera's share, and 1.8-2.2 in
    # the control
    if camera_nice:
        assert writer_share > 8 * camera_share, (writer_share, camera_share)
    else:  # the control: at equal priority, not waited for, the writer is one thread among many
        assert writer_share < 4 * camera_share, (writer_share, camera_share)


def test_plate_readers_run_at_the_cameras_priority() -> None:
    pool = PlatePool(workers=1)
    seen: list[int | None] = []
    done = threading.Event()
    assert pool.submit(thread_nice, lambda nice: (seen.append(nice), done.set()))
    assert done.wait(10)
    pool.close()
    assert seen == [os.getpriority(os.PRIO_PROCESS, os.getpid()) + CAMERA_NICE]


def test_a_read_a_confirmation_waits_for_runs_at_the_process_priority() -> None:
    pool = PlatePool(workers=1)  # made by this (test) thread, as the app's wiring makes it
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen: list[tuple[int | None, int | None]] = []

    def camera() -> None:
        lower_thread_priority(CAMERA_NICE)
        seen.append((thread_nice(), pool.confirming(thread_nice)))

    thread = threading.Thread(target=camera)
    thread.start()
    thread.join(10)
    assert seen == [(process + CAMERA_NICE, process)]
    with pytest.raises(ZeroDivisionError):
        pool.confirming(lambda: 1 / 0)  # the read's own error reaches the camera
    pool.close()
    assert pool.confirming(lambda: "inline") == "inline"  # a closed pool reads in the caller's thread


class NiceRecorder:
    """A detector that notes the priority of the thread it runs in."""

    model_name, weights_sha256, detector_type, labels = "nice", "0" * 64, "onnx", ("vehicle",)

    def __init__(self) -> None:
        self.nice: list[int | None] = []

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        self.nice.append(thread_nice())
        return Detections.empty()


def test_a_shared_detector_runs_between_the_cameras_and_the_writer() -> None:
    recorder = NiceRecorder()
    shared = SharedDetector(recorder, workers=2)  # type: ignore[arg-type]  # made by this (app) thread

    def camera() -> None:  # a camera thread calls it: the workers keep their own priority
        lower_thread_priority(CAMERA_NICE)
        for _ in range(4):
            shared.detect(np.zeros((48, 64, 3), np.uint8))

    thread = threading.Thread(target=camera)
    thread.start()
    thread.join(10)
    shared.close()
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    assert set(recorder.nice) == {process + DETECTOR_NICE}
    assert 0 < DETECTOR_NICE < CAMERA_NICE
