"""Cameras created, changed and disabled through the API start, restart and stop in the running
supervisor, without restarting the product."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.db.health_store import DbHealthReporter
from api.pipeline.camera_control import CameraControl
from ingest.config import CameraConfig
from ingest.protocols import FrameAnalyzer
from ingest.supervisor import Supervisor, embedded_supervisor
from ingest.testclips import write_clip
from tests.integration.api.review_fixtures import ApiWorld, make_client
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink

AnalyzerFactory = Callable[[CameraConfig], FrameAnalyzer]

CAMERA = {
    "id": "yard-1",
    "name": "工地 1号门",
    "source": "file:media/clip.mp4",  # relative: read from the project root
    "analysis_fps": 5,
    "start_time": "2026-05-01T08:00:00+08:00",
    "location": {"lat": 30.1, "lon": 120.2, "address": "yard", "grid_code": "33", "responsible_unit": "unit"},
}


def _wait_for(condition: object, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _attach(api: TestClient, world: ApiWorld, analyzer_for: AnalyzerFactory | None = None) -> Supervisor:
    """The embedded pipeline's camera half, with a test analyzer (by default) instead of the detectors."""
    state = api.app.state  # type: ignore[attr-defined]
    supervisor = embedded_supervisor(
        [], analyzer_for or (lambda cam: BrightSquareAnalyzer(cam.id, persist_s=1.0)), JsonDirSink(world.tmp / "out"),
        DbHealthReporter(state.session_factory), report_interval_s=0.2,
    )
    supervisor.start()
    state.supervisor = supervisor
    state.camera_control = CameraControl(state.session_factory, state.source_policy, supervisor)
    return supervisor


def test_a_camera_starts_changes_and_stops_while_the_product_runs(world: ApiWorld) -> None:
    write_clip(world.tmp / "media" / "clip.mp4", seconds=3, fps=10, bright_intervals=[(0, 3)])
    integrator = world.headers("wang.gong", "integrator")
    with make_client(world, media_roots=[world.tmp], project_root=world.tmp) as api:
        supervisor = _attach(api, world)
        try:
            assert api.post("/cameras", json=CAMERA, headers=integrator).status_code == 201
            assert "yard-1" in supervisor.workers  # running at once, no restart
            first = supervisor.workers["yard-1"]
            _wait_for(lambda: first.health().state == "finished")
            health = api.get("/cameras/yard-1/health", headers=integrator).json()
            assert health["source"] == "live" and health["state"] == "finished" and health["frames_total"] == 30

            changed = api.patch("/cameras/yard-1", json={"analysis_fps": 2}, headers=integrator)
            assert changed.status_code == 200, changed.text
            second = supervisor.workers["yard-1"]
            assert second is not first and second.camera.analysis_fps == 2  # restarted with the new setting
            _wait_for(lambda: second.health().state == "finished")

            assert api.patch("/cameras/yard-1", json={"enabled": False}, headers=integrator).status_code == 200
            assert "yard-1" not in supervisor.workers  # stopped
            assert api.patch("/cameras/yard-1", json={"enabled": True}, headers=integrator).status_code == 200
            assert "yard-1" in supervisor.workers
        finally:
            supervisor.stop()


def test_a_camera_with_a_missing_file_is_refused_and_nothing_starts(world: ApiWorld) -> None:
    integrator = world.headers("wang.gong", "integrator")
    with make_client(world, media_roots=[world.tmp], project_root=world.tmp) as api:
        supervisor = _attach(api, world)
        try:
            response = api.post("/cameras", json=CAMERA, headers=integrator)
            assert response.status_code == 422
            assert "does not exist" in response.text and str(world.tmp / "media" / "clip.mp4") in response.text
            assert supervisor.workers == {}
        finally:
            supervisor.stop()
