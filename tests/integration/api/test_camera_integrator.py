"""The integrator's connectivity test (ok / a clear, masked reason), camera delete, and what each zone caught."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, Camera, CameraHealth, Event, Zone
from tests.integration.api.review_fixtures import ApiWorld, make_client
from tests.integration.api.test_camera_admin import CAMERA, SECRET, _video


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    """File sources under tmp/media; loopback allowed, for the local dead stream."""
    with make_client(world, media_roots=[world.tmp / "media"], source_allowed_networks=["127.0.0.0/8"]) as client:
        yield client


@pytest.fixture
def integrator(world: ApiWorld) -> dict[str, str]:
    return world.headers("wang.gong", "integrator")


def test_connectivity_test_reports_ok_with_the_frame_size(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    (world.tmp / "media").mkdir()
    _video(world.tmp / "media" / "clip.mp4")
    source = f"file:{world.tmp / 'media' / 'clip.mp4'}"
    assert api.post("/cameras", json={**CAMERA, "source": source}, headers=integrator).status_code == 201
    body = api.post("/cameras/renmin-03/connectivity", headers=integrator).json()
    assert (body["ok"], body["outcome"], body["width"], body["height"]) == (True, "ok", 320, 240)
    assert body["message"] == "opened the source and read a 320x240 frame"
    assert 0 < body["elapsed_s"] < 30
    with world.factory() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.connectivity")).all()
    assert [a.detail["result"] for a in audits] == ["ok"]
    assert api.post("/cameras/renmin-03/connectivity", headers=world.headers("r", "reviewer")).status_code == 403
    assert api.post("/cameras/nope/connectivity", headers=integrator).status_code == 404


def test_connectivity_failures_say_why_without_credentials(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    dead = {**CAMERA, "source": f"rtsp://viewer:{SECRET}@127.0.0.1:{dead_port}/live?token=tok3n"}
    assert api.post("/cameras", json=dead, headers=integrator).status_code == 201
    response = api.post("/cameras/renmin-03/connectivity", params={"timeout_s": 5}, headers=integrator)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["outcome"] in ("failed", "timeout")
    assert f"rtsp://***@127.0.0.1:{dead_port}" in body["message"]
    assert SECRET not in response.text and "tok3n" not in response.text and "viewer" not in response.text
    assert body["width"] is None
    # a camera registered before the policy refused its network (the API would refuse it now): refused
    # before anything is opened
    with world.factory.begin() as s:
        s.add(
            Camera(
                id="meta-1",
                name="m",
                source_url=f"rtsp://viewer:{SECRET}@169.254.169.254/x",
                lat=30.1,
                lon=120.2,
                address="a",
                grid_code="g",
                responsible_unit="u",
                timezone="Asia/Shanghai",
                analysis_fps=2.0,
                enabled=False,
                origin="api",
            )
        )
    meta = api.post("/cameras/meta-1/connectivity", headers=integrator).json()
    assert (meta["ok"], meta["outcome"]) == (False, "refused")
    assert "cloud-metadata" in meta["message"] and SECRET not in str(meta)
    with world.factory() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.connectivity")).all()
    assert sorted(a.detail["result"] for a in audits) == sorted([body["outcome"], "refused"])
    assert all(SECRET not in str(a.detail) for a in audits)


def test_delete_camera_without_cases_keeps_cameras_with_cases_and_yaml_ones(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    assert api.post("/cameras", json=CAMERA, headers=integrator).status_code == 201
    with world.factory.begin() as s:
        s.add(CameraHealth(camera_id="renmin-03", state="running"))
    assert api.delete("/cameras/renmin-03", headers=world.headers("r", "reviewer")).status_code == 403
    assert api.delete("/cameras/renmin-03", headers=integrator).status_code == 204
    with world.factory() as s:
        assert s.get(Camera, "renmin-03") is None
        assert s.scalars(select(Zone).where(Zone.camera_id == "renmin-03")).all() == []
        assert s.get(CameraHealth, "renmin-03") is None
        assert "camera.delete" in s.scalars(select(AuditEntry.action)).all()
    assert api.delete("/cameras/renmin-03", headers=integrator).status_code == 404

    assert api.post("/cameras", json=CAMERA, headers=integrator).status_code == 201
    event_id = world.event(camera_id="renmin-03", zone="curb")
    kept = api.delete("/cameras/renmin-03", headers=integrator)
    assert kept.status_code == 409 and "has 1 case(s)" in kept.json()["detail"] and "disable" in kept.json()["detail"]
    with world.factory() as s:
        assert s.get(Camera, "renmin-03") is not None and s.get_one(Event, event_id).camera_id == "renmin-03"
    yaml = api.delete("/cameras/gate-7", headers=integrator)  # listed in the test's cameras.yaml
    assert yaml.status_code == 409 and "cameras.yaml" in yaml.json()["detail"]


def test_what_each_zone_caught(api: TestClient, world: ApiWorld, integrator: dict[str, str]) -> None:
    second_zone = {**CAMERA["zones"][0], "name": "corner"}  # type: ignore[index]
    camera = {**CAMERA, "zones": [CAMERA["zones"][0], second_zone]}  # type: ignore[index]
    assert api.post("/cameras", json=camera, headers=integrator).status_code == 201
    first = world.event(minutes=1, camera_id="renmin-03", zone="curb", status="approved")
    second = world.event(minutes=2, camera_id="renmin-03", zone="curb")
    world.event(minutes=3, camera_id="renmin-03", zone="curb", status="rejected")
    gone = world.event(minutes=4, camera_id="renmin-03", zone="old-bay")  # a zone since removed
    world.event(minutes=5, camera_id="gate-7", zone="curb")  # another camera's zone of the same name
    body = api.get("/cameras/renmin-03/caught", params={"latest": 2}, headers=integrator).json()
    assert [(z["zone_name"], z["kind"], z["current"]) for z in body] == [
        ("curb", "no_parking", True),
        ("corner", "no_parking", True),
        ("old-bay", None, False),
    ]
    assert body[0]["counts"] == {"pending": 1, "approved": 1, "rejected": 1, "total": 3}
    assert [c["status"] for c in body[0]["latest"]] == ["rejected", "pending"]  # newest two, newest first
    assert second in [c["event_id"] for c in body[0]["latest"]] and first not in [
        c["event_id"] for c in body[0]["latest"]
    ]
    assert body[1]["counts"]["total"] == 0 and body[1]["latest"] == []
    assert [c["event_id"] for c in body[2]["latest"]] == [gone]
    assert "plate_text" not in body[0]["latest"][0]  # the integrator sees no plates
    since = api.get("/cameras/renmin-03/caught", params={"since": "2026-05-01T09:03:30+08:00"}, headers=integrator)
    assert [z["counts"]["total"] for z in since.json()] == [0, 0, 1]
    assert api.get("/cameras/renmin-03/caught", headers=world.headers("li.wei", "reviewer")).status_code == 200
    assert api.get("/cameras/renmin-03/caught", headers=world.headers("zhao", "drone_operator")).status_code == 403
    assert api.get("/cameras/nope/caught", headers=integrator).status_code == 404
