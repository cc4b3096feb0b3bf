"""Camera workers on file sources under the supervisor: violations with clips, broken files isolated,
crashed workers restarted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.types import Frame, Violation
from ingest.config import CameraConfig
from ingest.readers import open_reader
from ingest.ring import FrameRing
from ingest.supervisor import Supervisor
from ingest.testclips import write_clip
from ingest.worker import CameraWorker
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink

START = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
LOCATION = {"lat": 30.2, "lon": 120.1, "address": "gate", "grid_code": "330102", "responsible_unit": "unit"}


def camera(cam_id: str, path: Path, **extra: object) -> CameraConfig:
    return CameraConfig(
        id=cam_id, name=cam_id, source=f"file:{path}", location=LOCATION, start_time=START, **extra
    )


class InMemoryReporter:
    def __init__(self) -> None:
        self.reports: list[list] = []

    def report(self, snapshots) -> None:  # noqa: ANN001
        self.reports.append(list(snapshots))


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # bright square from 2 s to 5 s and from 7 s to 9.5 s
    return write_clip(
        tmp_path_factory.mktemp("w") / "scene.mp4", seconds=10, fps=10, bright_intervals=[(2, 5), (7, 9.5)]
    )


def test_worker_submits_violations_with_clip_frames_from_the_ring(clip: Path, tmp_path: Path) -> None:
    cam = camera("cam-a", clip, analysis_fps=5)
    sink = JsonDirSink(tmp_path / "out")
    analyzer = BrightSquareAnalyzer(cam.id, persist_s=2.0, max_gap_s=0.5)
    worker = CameraWorker(cam, open_reader, analyzer, sink, ring=FrameRing(max_seconds=30), clip_seconds=3.0)
    import threading

    assert worker.run(threading.Event()) == "finished"
    records = sink.records()
    # 2.0 -> 4.0 s confirms; the next episode (4.0 -> 5.0) ends with the square; 7.0 -> 9.0 confirms
    assert [(r["first_seen_at"], r["confirmed_at"]) for r in records] == [
        ((START + timedelta(seconds=2)).isoformat(), (START + timedelta(seconds=4)).isoformat()),
        ((START + timedelta(seconds=7)).isoformat(), (START + timedelta(seconds=9)).isoformat()),
    ]
    for r in records:
        assert r["clip_frames"] == 16 and r["clip_span_s"] == pytest.approx(3.0)  # 3 s at 5 fps, inclusive
    health = worker.health()
    assert health.state == "finished" and health.frames_total == 100 and health.frames_analysed == 50
    assert health.input_fps == pytest.approx(10, rel=0.05) and health.analysed_fps == pytest.approx(
        5, rel=0.05
    )
    assert health.violations == 2 and health.last_frame_at == START + timedelta(seconds=9.8)


def test_motion_gate_skips_the_detector_on_a_static_scene_but_rechecks(tmp_path: Path) -> None:
    static = write_clip(tmp_path / "static.mp4", seconds=12, fps=5, moving=False, bright_intervals=[(0, 12)])
    cam = camera("cam-s", static, analysis_fps=5)
    analyzer = BrightSquareAnalyzer(cam.id, persist_s=3.0)
    sink = JsonDirSink(tmp_path / "out")
    import threading

    worker = CameraWorker(cam, open_reader, analyzer, sink)
    worker.run(threading.Event())
    health = worker.health()
    assert health.frames_analysed == 60
    assert analyzer.detector_runs == 3  # first frame, then the 5 s re-check: at 5 s and 10 s
    assert health.skipped_by_motion == 57
    assert len(sink.records()) == 3  # the static object is still confirmed, at 3, 6 and 9 s


class CrashOnceAnalyzer(BrightSquareAnalyzer):
    """A buggy analyzer: raises on the first pass over frame 12, like a rule hitting an edge case."""

    def __init__(self, camera_id: str) -> None:
        super().__init__(camera_id, persist_s=2.0, max_gap_s=0.5)
        self.crashed = False

    def process(self, frame: Frame, detect: bool) -> list[Violation]:
        if frame.index == 12 and not self.crashed:
            self.crashed = True
            raise RuntimeError("rule state inconsistent")
        return super().process(frame, detect)


def wait_until(predicate, timeout_s: float = 20.0) -> None:  # noqa: ANN001
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_a_broken_file_fails_its_camera_only_and_a_crash_is_restarted(clip: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    data = clip.read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # index at the end: cut off
    cams = [
        camera("cam-good", clip, analysis_fps=5),
        camera("cam-broken", broken, analysis_fps=5),
        camera("cam-crashy", clip, analysis_fps=5),
        camera("cam-off", clip, enabled=False),
    ]
    sinks = {c.id: JsonDirSink(tmp_path / c.id) for c in cams}

    def make_worker(cam: CameraConfig) -> CameraWorker:
        analyzer = (
            CrashOnceAnalyzer(cam.id)
            if cam.id == "cam-crashy"
            else BrightSquareAnalyzer(cam.id, persist_s=2.0)
        )
        return CameraWorker(cam, open_reader, analyzer, sinks[cam.id])

    from ingest.backoff import Backoff

    reporter = InMemoryReporter()
    supervisor = Supervisor(
        cams,
        make_worker,
        reporter,
        sinks=list(sinks.values()),
        report_interval_s=0.1,
        restart_backoff=lambda: Backoff(initial_s=0.1, maximum_s=0.2),
    )
    supervisor.start()
    try:
        wait_until(lambda: all(h.state in ("finished", "failed") for h in supervisor.health()))
    finally:
        supervisor.stop(timeout_s=10)
    health = {h.camera_id: h for h in supervisor.health()}
    assert set(health) == {"cam-good", "cam-broken", "cam-crashy"}  # disabled cameras do not run
    assert health["cam-broken"].state == "failed"
    assert str(broken) in health["cam-broken"].last_error
    assert "cannot be opened as video" in health["cam-broken"].last_error
    assert health["cam-good"].state == "finished" and health["cam-good"].last_error is None
    assert len(sinks["cam-good"].records()) == 2
    crashy = health["cam-crashy"]
    assert crashy.restarts == 1 and crashy.state == "finished"
    assert "RuntimeError: rule state inconsistent" in crashy.last_error
    assert len(sinks["cam-crashy"].records()) == 2
    assert all(s.closed for s in sinks.values())
    assert reporter.reports and {h.camera_id for h in reporter.reports[-1]} == set(health)
