"""Workers start from the database: YAML cameras and API-registered ones, enabled only, valid only."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.camera_config import enabled_cameras
from api.db.models import Camera, Zone
from api.db.seed import seed_cameras
from ingest.config import load_config

REPO = Path(__file__).resolve().parents[3]


def test_enabled_cameras_round_trip(session_factory: sessionmaker[Session]) -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    with session_scope(session_factory) as session:
        seed_cameras(session, config)
        session.get_one(Camera, "demo-barbecue").enabled = False
        api_camera = Camera(
            id="api-cam", name="registered by an integrator", source_url="rtsp://u:pw@10.0.0.9/live",
            timezone="Asia/Shanghai", lat=30.0, lon=120.0, address="a", grid_code="g",
            responsible_unit="u", analysis_fps=1.0, decode="keyframe", detectors=["street"], origin="api",
            zones=[Zone(position=0, name="z", kind="no_parking", polygon=[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]],
                        active_hours=["07:00-19:00"], params={"dwell_seconds": 60.0, "photo_interval_seconds": 30.0})],
        )
        broken = Camera(
            id="broken-cam", name="bow-tie zone", source_url="rtsp://u:pw@10.0.0.10/live",
            timezone="Asia/Shanghai", lat=30.0, lon=120.0, address="a", grid_code="g",
            responsible_unit="u", analysis_fps=1.0, decode="full", detectors=["street"], origin="api",
            zones=[Zone(position=0, name="z", kind="no_parking",
                        polygon=[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]], active_hours=[],
                        params={"dwell_seconds": 60.0, "photo_interval_seconds": 30.0})],
        )
        session.add_all([api_camera, broken])
    with session_scope(session_factory) as session:
        cameras = {c.id: c for c in enabled_cameras(session)}
    assert set(cameras) == {"api-cam", "demo-parking", "demo-worksite"}
    yaml_parking = config.camera("demo-parking")
    assert cameras["demo-parking"].source == yaml_parking.source
    assert cameras["demo-parking"].zones == yaml_parking.zones
    assert cameras["demo-parking"].start_time == yaml_parking.start_time
    assert cameras["api-cam"].source == "rtsp://u:pw@10.0.0.9/live" and cameras["api-cam"].decode == "keyframe"


def test_a_cameras_file_detection_zoom_reaches_the_workers_and_a_change_is_seeded(
    session_factory: sessionmaker[Session],
) -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    zoomed = [c.model_copy(update={"detection_zoom": 2.0}) if c.id == "demo-parking" else c for c in config.cameras]
    with session_scope(session_factory) as session:
        seed_cameras(session, config)
    with session_scope(session_factory) as session:
        assert {c.id: c.detection_zoom for c in enabled_cameras(session)}["demo-parking"] == 1.0
        report = seed_cameras(session, config.model_copy(update={"cameras": zoomed}))
    assert report.updated == 1
    with session_scope(session_factory) as session:
        cameras = {c.id: c for c in enabled_cameras(session)}
    assert cameras["demo-parking"].detection_zoom == 2.0 and cameras["demo-worksite"].detection_zoom == 1.0


def _camera_with_params(camera_id: str, kind: str, params: dict[str, object]) -> Camera:
    return Camera(
        id=camera_id, name=camera_id, source_url="rtsp://10.0.0.9/live", timezone="Asia/Shanghai", lat=30.0,
        lon=120.0, address="a", grid_code="g", responsible_unit="u", analysis_fps=1.0, decode="full",
        detectors=["street"], origin="api",
        zones=[Zone(position=0, name="z", kind=kind, polygon=[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]],
                    active_hours=[], params=params)],
    )


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("no_parking", {"dwell_seconds": 60.0, "dwel_seconds": 5}, "dwel_seconds: Extra inputs are not permitted"),
        ("no_parking", {"dwell_seconds": 10.0, "photo_interval_seconds": 30.0}, "must not exceed dwell_seconds"),
        ("worksite_exit", {"exit_direction": "sideways"}, "exit_direction: Input should be"),
        ("barbecue_watch", {}, "persistence_seconds: Field required"),
        ("no_such_kind", {"dwell_seconds": 60.0}, "does not match any of the expected tags"),
    ],
)
def test_zone_params_are_validated_by_the_kind_on_read(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture, kind: str,
    params: dict[str, object], expected: str,
) -> None:
    with session_scope(session_factory) as session:
        session.add_all([
            _camera_with_params("bad-cam", kind, params),
            _camera_with_params("good-cam", "barbecue_watch", {"persistence_seconds": 30.0}),
        ])
    with caplog.at_level(logging.ERROR), session_scope(session_factory) as session:
        cameras = [c.id for c in enabled_cameras(session)]
    assert cameras == ["good-cam"]
    [message] = [r.getMessage() for r in caplog.records if "bad-cam" in r.getMessage()]
    assert "camera bad-cam not started" in message and expected in message, message
