"""A camera's health says how far it drifted and whether it shows its view: a real worker reads a clip
of a swaying camera, or of one turned to another street (also while the product was down: the view
is remembered in the database), the street analyzer measures it, and the snapshot, the API and the
metrics carry it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.orm import Session, sessionmaker

from api.db.view_memory import DbViewMemory
from api.routes.camera_health import CameraHealthPublic
from ingest.config.camera import CameraConfig
from ingest.health import CameraHealthSnapshot
from ingest.metrics import CameraHealthCollector
from ingest.supervisor import embedded_supervisor
from tests.integration.evidence.helpers import add_camera
from tests.support.bright_square import JsonDirSink
from tests.support.sway import NothingDetector, swaying_clip
from vision.analyzer import StreetAnalyzer
from vision.view_memory import ViewMemory

FPS, SECONDS, DRIFT_PER_FRAME = 10, 4, (1.0, 0.5)  # 40 and 20 px by the end


def played(clip: Path, tmp_path: Path, views: ViewMemory | None = None) -> CameraHealthSnapshot:
    """The camera's health once a real worker has read the whole clip with the street analyzer."""
    camera = CameraConfig.model_validate(
        {
            "id": "bridge-1",
            "name": "footbridge",
            "source": f"file:{clip}",
            "analysis_fps": 5,
            "start_time": datetime(2026, 5, 1, 2, tzinfo=UTC),
            "location": {"lat": 30.1, "lon": 120.2, "address": "bridge", "grid_code": "33", "responsible_unit": "u"},
        }
    )
    supervisor = embedded_supervisor(
        [camera],
        lambda cam: StreetAnalyzer(cam.analysis_setup(), NothingDetector(), views=views),
        JsonDirSink(tmp_path / "out"),
    )
    supervisor.start()
    worker, done = supervisor.workers["bridge-1"], threading.Event()
    while not done.wait(0.05):
        if worker.health().state in ("finished", "failed", "crashed"):
            done.set()
    supervisor.stop()
    return worker.health()


def test_the_drift_reaches_the_cameras_health_the_api_and_the_metrics(tmp_path: Path) -> None:
    snapshot = played(swaying_clip(tmp_path / "drift.mp4", FPS, SECONDS, DRIFT_PER_FRAME), tmp_path)
    assert snapshot.state == "finished" and snapshot.view_offset_px is not None
    assert snapshot.view_lost is False
    last = (FPS * SECONDS - 2) * np.array(DRIFT_PER_FRAME)  # the last analysed frame: 38 at 5 of 10 fps
    assert np.allclose(snapshot.view_offset_px, last, atol=3.0), snapshot.view_offset_px

    public = CameraHealthPublic.from_snapshot(snapshot, "live")
    assert public.view_offset_px is not None and np.allclose(public.view_offset_px, last, atol=3.0)
    [drift] = [m for m in CameraHealthCollector(lambda: [snapshot]).collect() if m.name.endswith("view_offset_pixels")]
    assert isinstance(drift, GaugeMetricFamily)
    values = {s.labels["axis"]: s.value for s in drift.samples}
    assert np.allclose([values["x"], values["y"]], last, atol=3.0)


def test_a_camera_turned_to_another_street_says_so_in_its_health_the_api_and_the_metrics(tmp_path: Path) -> None:
    # 5 s at home (the view matches itself on the checks at 2 and 4 s), then 5 s on another street
    snapshot = played(swaying_clip(tmp_path / "turned.mp4", FPS, 10, DRIFT_PER_FRAME, turned_at=FPS * 5), tmp_path)
    assert snapshot.state == "finished" and snapshot.view_lost is True
    assert CameraHealthPublic.from_snapshot(snapshot, "live").view_lost is True
    [lost] = [m for m in CameraHealthCollector(lambda: [snapshot]).collect() if m.name == "enforce_camera_view_lost"]
    assert [(s.labels["camera"], s.value) for s in lost.samples] == [("bridge-1", 1.0)]


def test_a_camera_turned_while_the_product_was_down_has_lost_its_view_after_the_restart(
    tmp_path: Path, database_url: str, session_factory: sessionmaker[Session]
) -> None:
    add_camera(database_url, "bridge-1")
    views = DbViewMemory(session_factory)
    # 6 s: the view matches itself on the checks at 2 and 4 s, and is remembered then
    first = played(swaying_clip(tmp_path / "home.mp4", FPS, 6, DRIFT_PER_FRAME), tmp_path, views)
    assert first.view_lost is False
    remembered = views.recall("bridge-1")
    assert remembered is not None and remembered.jpeg[:2] == b"\xff\xd8"  # a JPEG of the view
    # restarted, the camera shows the other street from its first frame on
    turned = swaying_clip(tmp_path / "turned.mp4", FPS, SECONDS, DRIFT_PER_FRAME, turned_at=0)
    assert played(turned, tmp_path, views).view_lost is True
    assert played(turned, tmp_path).view_lost is False  # what the same run says without a remembered view
    after = views.recall("bridge-1")
    assert after is not None and after.jpeg == remembered.jpeg  # another view is never remembered as the view


def test_a_camera_without_a_measured_drift_reports_none() -> None:
    quiet = CameraHealthSnapshot("c", "running", 1.0, 1.0, 0, 1, 1, 0, None, 0, 0, None, None)
    public = CameraHealthPublic.from_snapshot(quiet, "stored")
    assert public.view_offset_px is None and public.view_lost is None
    families = {m.name: m for m in CameraHealthCollector(lambda: [quiet]).collect()}
    assert families["enforce_camera_view_offset_pixels"].samples == []
    assert families["enforce_camera_view_lost"].samples == []
