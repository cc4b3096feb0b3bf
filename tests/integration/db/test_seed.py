"""Seeding cameras from the YAML registry is idempotent and leaves API cameras alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.models import Camera, Zone
from api.db.seed import seed_cameras
from ingest.config import load_config, load_config_text

REPO = Path(__file__).resolve().parents[3]


def test_seed_is_idempotent(session_factory: sessionmaker[Session]) -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    with session_scope(session_factory) as session:
        first = seed_cameras(session, config)
    with session_scope(session_factory) as session:
        second = seed_cameras(session, config)
        cameras = session.scalar(select(func.count()).select_from(Camera))
        zones = session.scalar(select(func.count()).select_from(Zone))
    assert first.inserted == len(config.cameras) and first.updated == 0
    assert second.inserted == 0 and second.updated == 0 and second.unchanged == len(config.cameras)
    assert cameras == len(config.cameras)
    assert zones == sum(len(c.zones) for c in config.cameras)


def test_seed_applies_yaml_changes_but_not_to_api_cameras(session_factory: sessionmaker[Session]) -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    with session_scope(session_factory) as session:
        seed_cameras(session, config)
        session.get_one(Camera, "demo-barbecue").origin = "api"
        session.get_one(Camera, "demo-barbecue").name = "renamed by integrator"
    changed = config.model_copy(deep=True)
    changed.cameras[0].name = "new name"
    changed.cameras[0].zones[0].dwell_seconds = 300  # type: ignore[union-attr]
    with session_scope(session_factory) as session:
        report = seed_cameras(session, changed)
    with session_scope(session_factory) as session:
        parking = session.get_one(Camera, "demo-parking")
        assert parking.name == "new name"
        assert [z.params["dwell_seconds"] for z in parking.zones] == [300]
        assert session.get_one(Camera, "demo-barbecue").name == "renamed by integrator"
    assert report.updated == 1


def test_seed_timestamps_are_utc_aware(session_factory: sessionmaker[Session]) -> None:
    config = load_config_text((REPO / "configs" / "cameras.yaml").read_text())
    with session_scope(session_factory) as session:
        seed_cameras(session, config)
    with session_scope(session_factory) as session:
        camera = session.get_one(Camera, "demo-parking")
        assert camera.start_time is not None and camera.start_time.utcoffset().total_seconds() == 0
        assert camera.start_time.isoformat() == "2026-05-01T01:00:00+00:00"
