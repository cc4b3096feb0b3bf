"""Evidence off the camera thread, with the real evidence store: a stuck store does not hold the camera,
a full queue spills to the spool, and a writer restart loses no confirmed violation."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.pipeline.context import ModelIdentity, camera_context
from api.pipeline.evidence_queue import QueuedEvidenceSink
from evidence.keys import Signer
from evidence.sink import MemoryRecordSink
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig
from ingest.readers import open_reader
from ingest.testclips import write_clip
from ingest.worker import CameraWorker
from tests.integration.evidence.helpers import small_violation
from tests.support.bright_square import BrightSquareAnalyzer

START = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
LOCATION = {"lat": 30.2, "lon": 120.1, "address": "gate", "grid_code": "330102", "responsible_unit": "unit"}
MODEL = ModelIdentity("test-model", "0" * 64, "onnx")


def camera(cam_id: str, source: str = "file:unused.mp4", **extra: object) -> CameraConfig:
    return CameraConfig(id=cam_id, name=cam_id, source=source, location=LOCATION, start_time=START, **extra)


class StuckStore:
    """Holds every write at its first step (building the bundle) until `release` is set."""

    def __init__(self) -> None:
        self.blocked = threading.Event()
        self.release = threading.Event()

    def __call__(self, step: str) -> None:
        if step == "staging":
            self.blocked.set()
            assert self.release.wait(60), "the test never released the store"


def open_writer(folder: Path, rows: MemoryRecordSink, on_step: StuckStore | None = None) -> EvidenceWriter:
    writer = EvidenceWriter(folder / "store", Signer.load_or_create(folder / "key"), rows, on_step=on_step)
    writer.open()
    return writer


def wait_until(condition, timeout_s: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_stuck_store_does_not_hold_the_camera_and_the_violations_are_written_later(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "scene.mp4", seconds=10, fps=10, bright_intervals=[(2, 5), (7, 9.5)])
    cam = camera("cam-q", f"file:{clip}", analysis_fps=5)
    rows, store = MemoryRecordSink(), StuckStore()
    writer = open_writer(tmp_path, rows, store)
    sink = QueuedEvidenceSink(writer, lambda c: camera_context(c, MODEL, "0" * 64))
    worker = CameraWorker(cam, open_reader, BrightSquareAnalyzer(cam.id, persist_s=2.0, max_gap_s=0.5), sink)

    assert worker.run(threading.Event()) == "finished"  # every frame, while the first write is stuck
    health = worker.health()
    assert store.blocked.is_set() and not rows.records
    assert health.frames_analysed == 50 and health.violations == 2
    assert health.last_frame_at is not None and health.last_frame_at > START.replace(second=9)

    store.release.set()
    sink.close()
    assert sink.written == 2 and sink.spooled == 0 and len(writer.spool) == 0
    assert sorted(r.manifest.episode_key for r in rows.records.values()) == ["cam-q:test-zone:1", "cam-q:test-zone:2"]
    assert all(r.manifest.clip is not None for r in rows.records.values())  # the clip travelled with it


def test_a_full_queue_spills_to_the_spool_and_a_writer_restart_loses_nothing(tmp_path: Path) -> None:
    cam = camera("cam-1")
    context_for = lambda c: camera_context(c, MODEL, "0" * 64)  # noqa: E731
    rows, store = MemoryRecordSink(), StuckStore()
    first = QueuedEvidenceSink(open_writer(tmp_path, rows, store), context_for, max_queue=1)
    violations = [small_violation(i, cam.id) for i in range(4)]

    first.submit(violations[0], cam)
    assert store.blocked.wait(30)  # the writer thread holds violation 0 in the stuck store
    started = time.perf_counter()
    for violation in violations[1:]:  # 1 waits in the queue, 2 and 3 find it full
        first.submit(violation, cam)
    assert time.perf_counter() - started < 10  # spooling, not waiting for the store
    assert first.queued == 1 and first.spooled == 2

    first.close(timeout_s=0.5)  # the writer is restarted while its store is stuck: the queued one is spooled
    assert first.queued == 0 and first.spooled == 3
    store.release.set()
    first.close(timeout_s=30)  # its thread finishes violation 0 and ends
    assert len(rows.records) == 1

    writer = open_writer(tmp_path, rows)  # a new writer on the same store and spool, as after a restart
    second = QueuedEvidenceSink(writer, context_for, idle_retry_s=0.2, poll_s=0.05)
    wait_until(lambda: len(writer.spool) == 0)
    second.close()
    keys = sorted(r.manifest.episode_key for r in rows.records.values())
    assert keys == sorted(v.episode_key for v in violations)  # each exactly once


@pytest.mark.parametrize("max_queue", [0, -1])
def test_the_queue_must_hold_something(tmp_path: Path, max_queue: int) -> None:
    writer = open_writer(tmp_path, MemoryRecordSink())
    with pytest.raises(ValueError, match="max_queue >= 1"):
        QueuedEvidenceSink(writer, lambda c: camera_context(c, MODEL, "0" * 64), max_queue=max_queue)


def test_cameras_wait_for_the_record_in_hand_for_a_bounded_time(tmp_path: Path) -> None:
    cam = camera("cam-y")
    rows, store = MemoryRecordSink(), StuckStore()
    sink = QueuedEvidenceSink(open_writer(tmp_path, rows, store), lambda c: camera_context(c, MODEL, "0" * 64))
    started = time.monotonic()
    sink.yield_to_evidence(5.0)
    assert time.monotonic() - started < 0.5  # nothing in hand: no wait

    sink.submit(small_violation(0, cam.id), cam)
    assert store.blocked.wait(30)  # the writer holds the record in the stuck store
    begun = time.monotonic()
    sink.yield_to_evidence(1.0)  # a stuck store holds a camera no longer than the bound
    assert 0.5 < time.monotonic() - begun < 3.0
    started = time.monotonic()
    sink.yield_to_evidence(1.0)  # and only once per record
    assert time.monotonic() - started < 0.5

    store.release.set()
    wait_until(lambda: sink.written == 1)
    store.blocked.clear()
    store.release.clear()
    sink.submit(small_violation(1, cam.id), cam)
    assert store.blocked.wait(30)
    waited = threading.Event()
    threading.Thread(target=lambda: (sink.yield_to_evidence(30.0), waited.set()), daemon=True).start()
    assert not waited.wait(0.5)  # the camera waits while the record is in hand ...
    store.release.set()
    assert waited.wait(10)  # ... and goes on as soon as it is written, long before the bound
    wait_until(lambda: sink.written == 2)
    sink.close()
