"""Survey-area routes: create, list, baseline refused for a flight over another area."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.db.models import Flight
from api.settings import Settings


@pytest.fixture
def client(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    config = tmp_path / "cameras.yaml"
    config.write_text("cameras: []\n")
    monkeypatch.setenv("ENFORCE_UPLOAD_DIR", str(tmp_path / "uploads"))
    settings = Settings(config=config, database_url=database_url, evidence_dir=tmp_path / "evidence")
    with TestClient(create_app(settings)) as test_client:
        login_as(test_client, "drone_operator")
        yield test_client


def login_as(client: TestClient, role: str) -> None:
    """Survey areas need a drone operator (reviewers may read): log the client in as one."""
    import uuid

    from api.auth.service import open_login_session
    from api.db.base import session_scope, utcnow
    from api.db.models import User

    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        user = User(username=f"pilot-{uuid.uuid4().hex[:8]}", role=role)
        session.add(user)
        session.flush()
        token, _ = open_login_session(session, user, utcnow(), 3600)
    client.headers["Authorization"] = f"Bearer {token}"


def test_survey_areas_need_a_drone_operator(client: TestClient) -> None:
    polygon = [[30.0, 120.0], [30.0, 120.01], [30.01, 120.01]]
    assert client.get("/survey-areas", headers={"Authorization": ""}).status_code == 401
    login_as(client, "reviewer")
    assert client.get("/survey-areas").status_code == 200
    assert client.post("/survey-areas", json={"name": "x", "polygon": polygon}).status_code == 403
    login_as(client, "integrator")
    assert client.get("/survey-areas").status_code == 403


def test_area_crud_and_baseline_over_another_area_is_refused(
    client: TestClient, small_pair: Path, tmp_path: Path
) -> None:
    truth = json.loads((small_pair / "truth.json").read_text())
    polygon = truth["survey_polygon"]
    r = client.post("/survey-areas", json={"name": "block-a", "polygon": polygon})
    assert r.status_code == 201, r.text
    area = r.json()
    far = client.post(
        "/survey-areas", json={"name": "far", "polygon": [[a + 0.02, b] for a, b in polygon]}
    ).json()
    assert client.post("/survey-areas", json={"name": "block-a", "polygon": polygon}).status_code == 409
    bad = client.post("/survey-areas", json={"name": "x", "polygon": [[30.0, 120.0], [30.1, 120.0]]})
    assert bad.status_code == 422 and "at least 3" in bad.text
    assert [a["name"] for a in client.get("/survey-areas").json()] == ["block-a", "far"]
    with client.app.state.session_factory() as s:  # type: ignore[attr-defined]
        flight = Flight(flown_on=__import__("datetime").date(2026, 3, 1))
        s.add(flight)
        s.commit()
        flight_id = flight.id
    folder = tmp_path / "uploads" / "flights" / str(flight_id)
    folder.mkdir(parents=True)
    shutil.copy(small_pair / "before.SRT", folder / "before.SRT")
    refused = client.put(f"/survey-areas/{far['id']}/baseline", json={"flight_id": flight_id})
    assert refused.status_code == 422
    assert f"flight {flight_id} does not cover survey area 'far'" in refused.json()["detail"]
    ok = client.put(f"/survey-areas/{area['id']}/baseline", json={"flight_id": flight_id})
    assert ok.status_code == 200 and ok.json()["baseline_flight_id"] == flight_id
    assert client.get(f"/survey-areas/{area['id']}/flights").json()[0]["id"] == flight_id
    assert client.get(f"/survey-areas/{area['id']}/findings").json() == []
    assert client.get("/survey-areas/999").status_code == 404
