"""Shared test helpers: a camera row for the event FK, small synthetic violations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from api.db.models.camera import Camera
from domain.types import Violation
from evidence.synthetic import make_violation

T0 = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)


def camera_row(camera_id: str = "cam-1") -> Camera:
    """A registered camera for records and events to refer to."""
    return Camera(
        id=camera_id,
        name=camera_id,
        source_url="file:demo.mp4",
        timezone="Asia/Shanghai",
        lat=30.27,
        lon=120.15,
        address="文三路",
        grid_code="g1",
        responsible_unit="西湖区",
        analysis_fps=5.0,
    )


def add_camera(database_url: str, camera_id: str = "cam-1") -> None:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            session.add(camera_row(camera_id))
            session.commit()
    finally:
        engine.dispose()


def small_violation(i: int, device_id: str = "cam-1") -> Violation:
    """The i-th distinct episode (an hour apart, so dedup never merges them)."""
    return make_violation(
        device_id=device_id,
        start=T0 + timedelta(hours=i),
        episode_key=f"{device_id}:z:{i}",
        plate_text=f"浙A{i:05d}",
        width=96,
        height=64,
        clip_frames=2,
        seed=i,
    )
