"""The remembered view of a camera in the database: one row per camera, overwritten, gone with the
camera, and best effort when the database is gone."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import make_engine, make_session_factory, session_scope
from api.db.models import Camera, CameraView
from api.db.view_memory import DbViewMemory
from tests.integration.evidence.helpers import camera_row
from vision.view_memory import RememberedView

T0 = datetime(2026, 5, 1, 19, 42, 7, 123456, tzinfo=UTC)
SECRET = "s3cr3t-pw"


def _jpeg(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur(rng.integers(0, 256, (360, 640, 3), dtype=np.uint8), (5, 5), 0)
    return bytes(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())


def _view(seed: int, taken_at: datetime = T0, key: str = "a" * 64) -> RememberedView:
    return RememberedView(zones_key=key, jpeg=_jpeg(seed), taken_at=taken_at)


def _add_camera(factory: sessionmaker[Session], camera_id: str = "cam-1") -> None:
    with session_scope(factory) as session:
        session.add(camera_row(camera_id))


def _rows(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(CameraView)) or 0


def test_an_unknown_camera_has_no_remembered_view(session_factory: sessionmaker[Session]) -> None:
    assert DbViewMemory(session_factory).recall("nowhere") is None


def test_a_remembered_view_comes_back_as_it_was_given(session_factory: sessionmaker[Session]) -> None:
    _add_camera(session_factory)
    memory = DbViewMemory(session_factory)
    view = _view(1, taken_at=T0.astimezone(timezone(timedelta(hours=8))))  # any zone in, UTC out
    memory.remember("cam-1", view)
    recalled = memory.recall("cam-1")
    assert recalled is not None
    assert recalled.jpeg == view.jpeg and len(view.jpeg) > 20_000
    assert recalled.zones_key == view.zones_key
    assert recalled.taken_at == T0 and recalled.taken_at.tzinfo == UTC


def test_a_second_view_overwrites_the_first(session_factory: sessionmaker[Session]) -> None:
    _add_camera(session_factory)
    _add_camera(session_factory, "cam-2")
    memory = DbViewMemory(session_factory)
    memory.remember("cam-1", _view(1))
    memory.remember("cam-2", _view(2))
    newer = _view(3, taken_at=T0 + timedelta(hours=1), key="b" * 64)
    memory.remember("cam-1", newer)
    assert memory.recall("cam-1") == newer
    assert memory.recall("cam-2") == _view(2)
    assert _rows(session_factory) == 2


def test_deleting_the_camera_deletes_its_view(session_factory: sessionmaker[Session]) -> None:
    _add_camera(session_factory)
    memory = DbViewMemory(session_factory)
    memory.remember("cam-1", _view(1))
    with session_scope(session_factory) as session:
        session.delete(session.get(Camera, "cam-1"))
    assert memory.recall("cam-1") is None
    assert _rows(session_factory) == 0


def test_a_camera_no_longer_registered_is_logged_not_raised(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    memory = DbViewMemory(session_factory)
    with caplog.at_level(logging.WARNING, logger="api.db.view_memory"):
        memory.remember("gone-cam", _view(1))
    assert "camera gone-cam: view not remembered (IntegrityError)" in caplog.text
    assert _rows(session_factory) == 0


def test_a_database_that_is_gone_recalls_nothing_and_remembers_nothing(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    if database_url.startswith("sqlite"):
        folder = tmp_path / "db-folder"
        folder.mkdir()
        url = f"sqlite:///{shutil.copy(database_url.removeprefix('sqlite:///'), folder / 'enforce.db')}"
    else:
        url = make_url(database_url).set(password=SECRET).render_as_string(hide_password=False)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    memory = DbViewMemory(factory)
    _add_camera(factory)
    memory.remember("cam-1", _view(1))
    assert memory.recall("cam-1") is not None
    engine.dispose()
    if url.startswith("sqlite"):
        shutil.rmtree(folder)  # the file and its folder: nothing left to open
    else:
        name = make_url(database_url).database
        with request.getfixturevalue("postgres_server").engine.connect() as admin:
            admin.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    try:
        with caplog.at_level(logging.WARNING):
            assert memory.recall("cam-1") is None
            memory.remember("cam-1", _view(2))
    finally:
        engine.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "api.db.view_memory"]
    assert messages == [
        "camera cam-1: remembered view could not be read (OperationalError); none recalled",
        "camera cam-1: view not remembered (OperationalError)",
    ]
    url_path = make_url(url).database or ""
    for secret in (url, make_url(url).render_as_string(hide_password=True), SECRET, url_path):
        assert secret not in caplog.text
