"""A camera shard (the class Ray hosts) follows the cameras it is given: starts, restarts on change, stops."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from ingest.config import CameraConfig
from ingest.protocols import FrameAnalyzer, ViolationSink
from ingest.ray_mode.shard import CameraShard
from ingest.testclips import write_clip
from tests.support.bright_square import BrightSquareAnalyzer
from vision.sink import ListSink


class Wiring:
    def __init__(self) -> None:
        self.list_sink: ListSink[CameraConfig] = ListSink()
        self.analyzers = 0

    def analyzer_for(self, camera: CameraConfig) -> FrameAnalyzer:
        self.analyzers += 1
        return BrightSquareAnalyzer(camera.id, persist_s=1.0)

    def sink(self) -> ViolationSink:
        return self.list_sink


def camera(camera_id: str, clip: Path, fps: float = 5) -> CameraConfig:
    return CameraConfig.model_validate({
        "id": camera_id, "name": camera_id, "source": f"file:{clip}", "analysis_fps": fps,
        "start_time": datetime(2026, 5, 1, tzinfo=UTC),
        "location": {"lat": 30.2, "lon": 120.1, "address": "x", "grid_code": "1", "responsible_unit": "u"},
    })


def wait_finished(shard: CameraShard, ids: set[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = {s.camera_id: s.state for s in shard.health()}
        if set(states) == ids and all(v == "finished" for v in states.values()):
            return
        time.sleep(0.1)
    raise AssertionError(f"cameras did not finish: {shard.health()}")


def test_shard_starts_restarts_changed_and_stops_removed_cameras(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", seconds=3, fps=5, bright_intervals=[(0, 3)])
    wiring = Wiring()
    shard = CameraShard(lambda: wiring)
    try:
        report = shard.sync([camera("cam-a", clip), camera("cam-b", clip)], "node-1")
        assert report.node_id == "node-1" and {s.camera_id for s in report.health} == {"cam-a", "cam-b"}
        wait_finished(shard, {"cam-a", "cam-b"})
        assert {v.source_id for v in wiring.list_sink.violations} == {"cam-a", "cam-b"}  # the worker ran and submitted

        shard.sync([camera("cam-a", clip), camera("cam-b", clip)])  # unchanged: nothing restarts
        assert wiring.analyzers == 2
        shard.sync([camera("cam-a", clip, fps=2)])  # a changed, b removed
        assert wiring.analyzers == 3 and set(shard.running) == {"cam-a"}
        wait_finished(shard, {"cam-a"})
    finally:
        shard.stop()
    assert shard.health() == []
