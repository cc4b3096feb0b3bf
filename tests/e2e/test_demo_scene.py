"""End to end: demo footage -> camera worker -> violation -> signed evidence -> pending event ->
a reviewer approves it -> the exported case's evidence ZIP verifies offline.

Runs the shipped street detector (as `configs/cameras.yaml` configures it) on the shipped demo
parking scene, in the same process layout as `enforce run` (API + supervisor threads), on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.secrets import hash_password
from api.db.base import session_scope
from api.db.models import User
from api.settings import Settings
from evidence.trust import store_trust
from evidence.verify import verify_store
from evidence.verify_export import verify_zip
from ingest.config import load_config

REPO = Path(__file__).resolve().parents[2]
SCENE = REPO / "demo" / "parking.json"
SHIPPED = load_config(REPO / "configs" / "cameras.yaml")
SHIPPED_DETECTOR = SHIPPED.detectors["street-v2"]  # the demo footage is rendered
PASSWORD = "correct horse battery staple"


def demo_config(tmp_path: Path) -> tuple[Path, dict]:  # type: ignore[type-arg]
    scene = json.loads(SCENE.read_text(encoding="utf-8"))
    camera = dict(scene["camera"])
    camera["source"] = f"file:{REPO / 'demo' / scene['video']}"
    config = {
        "detectors": {"street": SHIPPED_DETECTOR.model_dump(mode="json")},
        "cameras": [camera],
        "plates": SHIPPED.plates.model_dump(mode="json"),  # the demo camera's plate engine, as shipped
    }
    path = tmp_path / "cameras.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")  # JSON is valid YAML
    return path, scene


def login(client: TestClient, username: str, role: str) -> dict[str, str]:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        session.add(User(username=username, role=role, password_hash=hash_password(PASSWORD)))
    response = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.slow
def test_demo_parking_scene_to_approved_exported_case(database_url: str, tmp_path: Path) -> None:
    config_path, scene = demo_config(tmp_path)
    truth = scene["violations"][0]
    settings = Settings(
        config=config_path,
        database_url=database_url,
        evidence_dir=tmp_path / "evidence",
        signing_key=tmp_path / "keys" / "signing.key",
        upload_dir=tmp_path / "uploads",
    )
    with TestClient(create_app(settings, pipeline=True)) as client:
        reviewer = login(client, "li.wei", "reviewer")
        deadline = time.monotonic() + 420
        events: list[dict] = []  # type: ignore[type-arg]
        while time.monotonic() < deadline:
            health = client.get(f"/cameras/{scene['camera']['id']}/health", headers=reviewer).json()
            events = client.get("/events", headers=reviewer).json()["items"]
            if health["state"] in ("finished", "failed"):
                break
            time.sleep(2)
        assert health["state"] == "finished", health
        # exactly the one true violation, with the plate read right, as one pending event
        assert [(e["violation_type"], e["zone_name"], e["plate_text"]) for e in events] == [
            ("illegal_parking", truth["zone"], truth["plate"])
        ]
        event_id = events[0]["id"]
        detail = client.get(f"/events/{event_id}", headers=reviewer).json()
        assert detail["evidence"]["verify"]["state"] == "ok"
        kinds = [m["kind"] for m in detail["evidence"]["media"]]
        assert kinds.count("original") >= 3 and "clip" in kinds and "plate" in kinds

        assert client.post(f"/events/{event_id}/claim", headers=reviewer).status_code == 200
        decided = client.post(f"/events/{event_id}/decision", headers=reviewer, json={"decision": "approve"})
        assert decided.status_code == 201, decided.text
        assert client.get("/events", headers=reviewer).json()["items"] == []

        [case] = client.get("/exports/cases", headers=reviewer).json()
        assert case["event_id"] == event_id and case["plate_text"] == truth["plate"]
        zip_url = "/" + case["evidence_zip_url"].split("/", 3)[3]
        download = client.get(zip_url, headers=reviewer)
        assert download.status_code == 200
    exported = tmp_path / "case.zip"
    exported.write_bytes(download.content)
    report = verify_zip(exported, store_trust(tmp_path / "evidence", tmp_path / "keys" / "signing.key"))
    assert report.ok, report
    assert verify_store(tmp_path / "evidence").ok
