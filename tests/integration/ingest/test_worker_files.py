"""Camera workers on file sources under the supervisor: violations with clips, broken files isolated,
crashed workers restarted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.config import CameraConfig
from ingest.readers import open_reader
from ingest.ring import FrameRing
from ingest.supervisor import Supervisor
from ingest.testclips import write_clip
from ingest.worker import CameraWorker
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink
from vision.types import Frame, Violation

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
    assert health.input_fps == pytest.approx(10, rel=0.05) and health.analysed_fps == pytest.approx(5, rel=0.05)
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
