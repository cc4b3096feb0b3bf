"""Camera health in the database and the API: GET /cameras/{id}/health and GET /metrics."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.db.health_store import DbHealthReporter
from api.settings import Settings
from ingest.config import load_config
from ingest.health import CameraHealthSnapshot
from ingest.supervisor import embedded_supervisor
from ingest.testclips import write_clip
from tests.integration.api.test_app_skeleton import authed
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink

CONFIG = """\
detectors:
  street: {type: onnx, weights: m.onnx}
cameras:
  - id: gate-7
    name: gate 7
    source: rtsp://admin:hunter2@10.1.2.3:554/Streaming/Channels/101
    location: {lat: 30.1, lon: 120.2, address: gate, grid_code: "33", responsible_unit: unit}
  - id: file-cam
    name: file camera
    source: file:CLIP
    analysis_fps: 5
    start_time: 2026-05-01T08:00:00+08:00
    location: {lat: 30.1, lon: 120.2, address: yard, grid_code: "33", responsible_unit: unit}
"""
LAST = datetime(2026, 5, 1, 0, 0, 5, tzinfo=UTC)


def snapshot(camera_id: str, **changes: object) -> CameraHealthSnapshot:
    values: dict[str, object] = {
        "camera_id": camera_id,
        "state": "running",
        "input_fps": 25.0,
        "analysed_fps": 2.0,
        "skipped_by_motion": 40,
        "frames_total": 1500,
        "frames_analysed": 120,
        "violations": 1,
        "last_frame_at": LAST,
        "reconnects": 3,
        "restarts": 1,
        "last_error": "rtsp://***@10.1.2.3:554/x: timeout",
        "clock_offset_s": 0.2,
    }
    values.update(changes)
    return CameraHealthSnapshot(**values)  # type: ignore[arg-type]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    clip = write_clip(tmp_path / "clip.mp4", seconds=3, fps=10, bright_intervals=[(0, 3)])
    path = tmp_path / "cameras.yaml"
    path.write_text(CONFIG.replace("CLIP", str(clip)))
    return path


@pytest.fixture
def client(database_url: str, tmp_path: Path, config_path: Path) -> TestClient:
    settings = Settings(config=config_path, database_url=database_url, evidence_dir=tmp_path / "evidence")
    with TestClient(create_app(settings)) as test_client:
        authed(test_client)
        yield test_client


def test_stored_health_is_served_and_a_skewed_clock_is_flagged(client: TestClient) -> None:
    reporter = DbHealthReporter(client.app.state.session_factory)
    reporter.report([snapshot("gate-7", clock_offset_s=0.4), snapshot("not-registered")])
    reporter.report([snapshot("gate-7", clock_offset_s=-2.5, reconnects=4)])  # an update, not a second row

    body = client.get("/cameras/gate-7/health").json()
    assert body["state"] == "running" and body["source"] == "stored"
    assert body["reconnects"] == 4 and body["restarts"] == 1 and body["skipped_by_motion"] == 40
    assert body["input_fps"] == 25.0 and body["analysed_fps"] == 2.0 and body["frames_total"] == 1500
    assert datetime.fromisoformat(body["last_frame_at"]) == LAST
    assert body["clock_offset_s"] == -2.5 and body["clock_flagged"] is True
    assert "hunter2" not in client.get("/cameras/gate-7/health").text

    unknown = client.get("/cameras/file-cam/health").json()  # registered, never reported
    assert unknown["state"] == "unknown" and unknown["clock_flagged"] is False
    assert client.get("/cameras/nope/health").status_code == 404


def test_metrics_are_in_prometheus_format(client: TestClient) -> None:
    DbHealthReporter(client.app.state.session_factory).report(
        [snapshot("gate-7", clock_offset_s=1.5), snapshot("file-cam", clock_offset_s=None, state="failed")]
    )
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'enforce_camera_reconnects_total{camera="gate-7"} 3.0' in text
    assert 'enforce_camera_worker_restarts_total{camera="gate-7"} 1.0' in text
    assert 'enforce_camera_input_fps{camera="gate-7"} 25.0' in text
    assert 'enforce_camera_clock_flagged{camera="gate-7"} 1.0' in text
    assert 'enforce_camera_clock_flagged{camera="file-cam"} 0.0' in text
    assert 'enforce_camera_state{camera="file-cam",state="failed"} 1.0' in text
    assert 'enforce_camera_state{camera="file-cam",state="running"} 0.0' in text
    assert "hunter2" not in text


def test_live_supervisor_health_is_preferred(client: TestClient, config_path: Path, tmp_path: Path) -> None:
    cameras = [c for c in load_config(config_path).cameras if c.id == "file-cam"]
    sink = JsonDirSink(tmp_path / "out")
    supervisor = embedded_supervisor(
        cameras,
        lambda cam: BrightSquareAnalyzer(cam.id, persist_s=1.0),
        sink,
        DbHealthReporter(client.app.state.session_factory),
    )
    supervisor.start()
    worker = supervisor.workers["file-cam"]
    done = threading.Event()
    while not done.wait(0.05):
        if worker.health().state == "finished":
            done.set()
    supervisor.stop()
    client.app.state.supervisor = supervisor
    live = client.get("/cameras/file-cam/health").json()
    assert live["source"] == "live" and live["state"] == "finished" and live["frames_total"] == 30
    assert 'enforce_camera_violations_total{camera="file-cam"} 2.0' in client.get("/metrics").text
    del client.app.state.supervisor
    stored = client.get("/cameras/file-cam/health").json()  # the final report reached the database
    assert stored["source"] == "stored" and stored["state"] == "finished" and stored["frames_total"] == 30
