"""A drifting camera's health says how far it drifted: a real worker reads a clip of a swaying camera,
the street analyzer measures the drift, and the snapshot, the API and the metrics carry it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from prometheus_client.core import GaugeMetricFamily

from api.routes.camera_health import CameraHealthPublic
from domain.types import Detections
from ingest.config.camera import CameraConfig
from ingest.health import CameraHealthSnapshot
from ingest.metrics import CameraHealthCollector
from ingest.supervisor import embedded_supervisor
from tests.support.bright_square import JsonDirSink
from tests.support.sway import moved, street
from vision.analyzer import StreetAnalyzer

FPS, SECONDS, DRIFT_PER_FRAME = 10, 4, (1.0, 0.5)  # 40 and 20 px by the end


def drifting_clip(path: Path) -> Path:
    scene = street(4)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"crf": "18", "preset": "ultrafast"}
        stream.time_base = Fraction(1, FPS)
        for i in range(FPS * SECONDS):
            frame = av.VideoFrame.from_ndarray(moved(scene, DRIFT_PER_FRAME[0] * i, DRIFT_PER_FRAME[1] * i), "bgr24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


class NothingDetector:
    """A detector that finds nothing: the drift is measured on the picture alone."""

    detector_type = model_name = "none"
    weights_sha256 = "0" * 64
    labels: tuple[str, ...] = ("vehicle",)

    def detect(self, image: np.ndarray) -> Detections:
        return Detections.empty()


def test_the_drift_reaches_the_cameras_health_the_api_and_the_metrics(tmp_path: Path) -> None:
    camera = CameraConfig.model_validate(
        {
            "id": "bridge-1",
            "name": "footbridge",
            "source": f"file:{drifting_clip(tmp_path / 'drift.mp4')}",
            "analysis_fps": 5,
            "start_time": datetime(2026, 5, 1, 2, tzinfo=UTC),
            "location": {"lat": 30.1, "lon": 120.2, "address": "bridge", "grid_code": "33", "responsible_unit": "u"},
        }
    )
    supervisor = embedded_supervisor(
        [camera], lambda cam: StreetAnalyzer(cam.analysis_setup(), NothingDetector()), JsonDirSink(tmp_path / "out")
    )
    supervisor.start()
    worker, done = supervisor.workers["bridge-1"], threading.Event()
    while not done.wait(0.05):
        if worker.health().state in ("finished", "failed", "crashed"):
            done.set()
    supervisor.stop()
    snapshot = worker.health()
    assert snapshot.state == "finished" and snapshot.view_offset_px is not None
    last = (FPS * SECONDS - 2) * np.array(DRIFT_PER_FRAME)  # the last analysed frame: 38 at 5 of 10 fps
    assert np.allclose(snapshot.view_offset_px, last, atol=3.0), snapshot.view_offset_px

    public = CameraHealthPublic.from_snapshot(snapshot, "live")
    assert public.view_offset_px is not None and np.allclose(public.view_offset_px, last, atol=3.0)
    [drift] = [m for m in CameraHealthCollector(lambda: [snapshot]).collect() if m.name.endswith("view_offset_pixels")]
    assert isinstance(drift, GaugeMetricFamily)
    values = {s.labels["axis"]: s.value for s in drift.samples}
    assert np.allclose([values["x"], values["y"]], last, atol=3.0)


def test_a_camera_without_a_measured_drift_reports_none() -> None:
    quiet = CameraHealthSnapshot("c", "running", 1.0, 1.0, 0, 1, 1, 0, None, 0, 0, None, None)
    assert CameraHealthPublic.from_snapshot(quiet, "stored").view_offset_px is None
    [drift] = [m for m in CameraHealthCollector(lambda: [quiet]).collect() if m.name.endswith("view_offset_pixels")]
    assert drift.samples == []
