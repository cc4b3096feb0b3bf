"""Saving a camera's zones through the API forgets the view the analyzer remembered for them; a change
that leaves the zones alone keeps it. The integrator can see the remembered view of the current zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import select

from api.db.models import AuditEntry
from api.db.view_memory import DbViewMemory
from tests.integration.api.review_fixtures import JPEG, ApiWorld
from vision.view_memory import RememberedView, zones_key
from vision.violations.unions import ZoneConfig

VIEW = RememberedView(zones_key="a" * 64, jpeg=JPEG, taken_at=datetime(2026, 5, 1, 19, 0, tzinfo=UTC))
CAMERA = {
    "id": "gate-7",
    "name": "gate 7",
    "source": "rtsp://admin:hunter2@10.1.2.3:554/Streaming/Channels/101?token=s3cr3t",
    "location": {
        "lat": 30.1,
        "lon": 120.2,
        "address": "人民路 1号",
        "grid_code": "330102",
        "responsible_unit": "一中队",
    },
}
ZONES = [{"name": "curb", "kind": "no_parking", "dwell_seconds": 60, "polygon": [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}]


def test_saving_zones_forgets_the_remembered_view_and_a_patch_keeps_it(api: TestClient, world: ApiWorld) -> None:
    integrator = world.headers("wang.gong", "integrator")
    memory = DbViewMemory(world.factory)
    memory.remember("gate-7", VIEW)

    patched = api.patch("/cameras/gate-7", json={"name": "gate seven", "analysis_fps": 3}, headers=integrator)
    assert patched.status_code == 200, patched.text
    assert memory.recall("gate-7") == VIEW

    saved = api.put("/cameras/gate-7/zones", json=ZONES, headers=integrator)  # the same zones, re-saved
    assert saved.status_code == 200, saved.text
    assert memory.recall("gate-7") is None

    memory.remember("gate-7", VIEW)
    replaced = api.put("/cameras/gate-7", json={**CAMERA, "zones": ZONES}, headers=integrator)
    assert replaced.status_code == 200, replaced.text
    assert memory.recall("gate-7") is None

    with world.factory() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("camera.")] == ["camera.update", "camera.zones", "camera.replace"]


def test_the_integrator_gets_the_remembered_view_of_the_current_zones(api: TestClient, world: ApiWorld) -> None:
    integrator = world.headers("wang.gong", "integrator")
    assert api.put("/cameras/gate-7/zones", json=ZONES, headers=integrator).status_code == 200
    none = api.get("/cameras/gate-7/view", headers=integrator)
    assert none.status_code == 404 and "no view remembered" in none.json()["detail"]

    memory = DbViewMemory(world.factory)
    key = zones_key(TypeAdapter(list[ZoneConfig]).validate_python(ZONES))
    memory.remember("gate-7", RememberedView(key, JPEG, datetime(2026, 5, 1, 21, 0, tzinfo=ZoneInfo("Asia/Shanghai"))))
    view = api.get("/cameras/gate-7/view", headers=integrator)
    assert view.status_code == 200 and view.headers["content-type"] == "image/jpeg" and view.content == JPEG
    assert view.headers["X-View-Taken-At"] == "2026-05-01T13:00:00+00:00"
    assert api.get("/cameras/gate-7/view", headers=world.headers("li.wei", "reviewer")).status_code == 403
    assert api.get("/cameras/nope/view", headers=integrator).status_code == 404

    memory.remember("gate-7", VIEW)  # taken with other zones (changed in the cameras file since): not theirs
    assert api.get("/cameras/gate-7/view", headers=integrator).status_code == 404
