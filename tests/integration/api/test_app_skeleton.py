"""The API skeleton: health, the seeded camera list, masked credentials, OpenAPI."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

SECRET_CONFIG = """\
detectors:
  street: {type: onnx, weights: m.onnx}
cameras:
  - id: gate-7
    name: gate 7
    source: rtsp://admin:hunter2@10.1.2.3:554/Streaming/Channels/101?token=s3cr3t
    location: {lat: 30.1, lon: 120.2, address: gate, grid_code: "33", responsible_unit: unit}
    zones:
      - {name: curb, kind: no_parking, dwell_seconds: 60, polygon: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}
"""


def authed(client: TestClient) -> TestClient:
    """Every route but /health needs a user: log the client in as a fresh reviewer."""
    import uuid

    from api.auth.service import open_login_session
    from api.db.base import session_scope, utcnow
    from api.db.models import User

    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        user = User(username=f"skeleton-{uuid.uuid4().hex[:8]}", role="reviewer")
        session.add(user)
        session.flush()
        token, _ = open_login_session(session, user, utcnow(), 3600)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> TestClient:
    config = tmp_path / "cameras.yaml"
    config.write_text(SECRET_CONFIG)
    settings = Settings(config=config, database_url=database_url, evidence_dir=tmp_path / "evidence")
    with TestClient(create_app(settings)) as test_client:
        yield authed(test_client)


def test_health_reports_database_and_version(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["version"]


def test_cameras_are_seeded_with_masked_source(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    response = client.get("/cameras")
    assert response.status_code == 200
    (camera,) = response.json()
    assert camera["id"] == "gate-7"
    assert camera["source"] == "rtsp://***@10.1.2.3:554/Streaming/Channels/101?token=***"
    assert "hunter2" not in response.text and "s3cr3t" not in response.text
    assert camera["zones"][0]["dwell_seconds"] == 60
    assert client.get("/cameras/gate-7").json()["source"] == camera["source"]
    assert client.get("/cameras/nope").status_code == 404


def test_openapi_is_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/health" in schema["paths"] and "/cameras" in schema["paths"]
    assert "hunter2" not in client.get("/openapi.json").text


def test_restart_does_not_duplicate_cameras(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "cameras.yaml"
    config.write_text(SECRET_CONFIG)
    settings = Settings(config=config, database_url=database_url)
    for _ in range(2):
        with TestClient(create_app(settings)) as c:
            assert [x["id"] for x in authed(c).get("/cameras").json()] == ["gate-7"]


def test_startup_logs_never_show_credentials(database_url: str, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    config = tmp_path / "cameras.yaml"
    config.write_text(SECRET_CONFIG)
    with caplog.at_level(logging.DEBUG):
        with TestClient(create_app(Settings(config=config, database_url=database_url))) as c:
            authed(c).get("/cameras")
    assert "hunter2" not in caplog.text
