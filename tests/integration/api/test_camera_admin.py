"""Integrators register, change and disable cameras with the YAML's validation; snapshots; no secrets out."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, Camera
from tests.integration.api.review_fixtures import ApiWorld, make_client

SECRET = "pa55word"
CAMERA = {
    "id": "renmin-03",
    "name": "人民路 3号杆",
    "source": f"rtsp://viewer:{SECRET}@10.0.0.5:554/live?token=tok3n",
    "location": {
        "lat": 30.27,
        "lon": 120.15,
        "address": "人民路 128号",
        "grid_code": "330102",
        "responsible_unit": "一中队",
    },
    "analysis_fps": 2,
    "detectors": ["street"],
    "zones": [
        {
            "name": "curb",
            "kind": "no_parking",
            "dwell_seconds": 300,
            "photo_interval_seconds": 60,
            "polygon": [[0.1, 0.6], [0.6, 0.55], [0.7, 0.95], [0.1, 0.95]],
            "active_hours": ["07:00-22:00"],
        }
    ],
}


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    """File sources under tmp/media; loopback allowed, for the local dead and silent stream servers."""
    with make_client(world, media_roots=[world.tmp / "media"], source_allowed_networks=["127.0.0.0/8"]) as client:
        yield client


@pytest.fixture
def integrator(world: ApiWorld) -> dict[str, str]:
    return world.headers("wang.gong", "integrator")


def test_create_update_disable_camera_with_masked_source(
    api: TestClient, world: ApiWorld, integrator: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        created = api.post("/cameras", json=CAMERA, headers=integrator)
        assert created.status_code == 201, created.text
        assert created.json()["source"] == "rtsp://***@10.0.0.5:554/live?token=***"
        assert created.json()["origin"] == "api" and created.json()["zones"][0]["dwell_seconds"] == 300
        assert api.post("/cameras", json=CAMERA, headers=integrator).status_code == 409
        disabled = api.patch("/cameras/renmin-03", json={"enabled": False}, headers=integrator)
        assert disabled.status_code == 200 and disabled.json()["enabled"] is False
        assert disabled.json()["zones"][0]["name"] == "curb"  # untouched by a partial update
        zones = [
            {
                "name": "bbq",
                "kind": "barbecue_watch",
                "persistence_seconds": 120,
                "polygon": [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8]],
            }
        ]
        replaced = api.put("/cameras/renmin-03/zones", json=zones, headers=integrator)
        assert [z["name"] for z in replaced.json()["zones"]] == ["bbq"]
        whole = api.put("/cameras/renmin-03", json={**CAMERA, "name": "renamed"}, headers=integrator)
        assert whole.json()["name"] == "renamed" and whole.json()["enabled"] is True
        listing = api.get("/cameras", headers=world.headers("li.wei", "reviewer"))
        for response in (created, disabled, replaced, whole, listing):
            assert SECRET not in response.text and "tok3n" not in response.text
    assert SECRET not in caplog.text and "tok3n" not in caplog.text
    with world.factory() as s:
        assert s.get(Camera, "renmin-03").source_url == CAMERA["source"]  # type: ignore[union-attr]
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.target_id == "renmin-03")).all()
        assert actions == ["camera.create", "camera.update", "camera.zones", "camera.replace"]
        assert all(SECRET not in str(e.detail) for e in s.scalars(select(AuditEntry)))


def _bad(**changes: object) -> dict[str, object]:
    return {**CAMERA, **changes}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (_bad(id="Bad Id"), "id"),
        (_bad(source=f"ftp://u:{SECRET}@host/x"), "scheme 'ftp'"),
        (_bad(analysis_fps=0), "analysis_fps"),
        (_bad(detection_zoom=0.5), "detection_zoom"),
        (_bad(timezone="Mars/Base"), "unknown IANA timezone"),
        (_bad(detectors=["nope"]), "detector 'nope' is not defined"),
        (
            _bad(
                zones=[
                    {
                        "name": "z",
                        "kind": "no_parking",
                        "dwell_seconds": 10,
                        "polygon": [[0, 0], [1, 1], [1, 0], [0, 1]],
                    }
                ]
            ),
            "self-intersecting",
        ),
        (
            _bad(
                zones=[
                    {
                        "name": "z",
                        "kind": "no_parking",
                        "dwell_seconds": 10,
                        "polygon": [[0, 0], [1.5, 0], [1, 1]],
                    }
                ]
            ),
            "outside the normalised image",
        ),
        (_bad(unexpected=1), "unexpected"),
    ],
)
def test_invalid_cameras_are_refused_naming_the_field(
    api: TestClient, integrator: dict[str, str], body: dict[str, object], error: str
) -> None:
    response = api.post("/cameras", json=body, headers=integrator)
    assert response.status_code == 422
    assert error in response.text, response.text
    assert SECRET not in response.text


def test_detection_zoom_is_kept_and_reaches_the_workers_config(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    from api.db.camera_config import enabled_cameras

    created = api.post("/cameras", json=CAMERA, headers=integrator)
    assert created.status_code == 201 and created.json()["detection_zoom"] == 1.0
    patched = api.patch("/cameras/renmin-03", json={"detection_zoom": 2.5}, headers=integrator)
    assert patched.status_code == 200 and patched.json()["detection_zoom"] == 2.5
    refused = api.patch("/cameras/renmin-03", json={"detection_zoom": 9}, headers=integrator)
    assert refused.status_code == 422 and "detection_zoom" in refused.text
    with world.factory() as s:
        (camera,) = [c for c in enabled_cameras(s) if c.id == "renmin-03"]
    assert camera.detection_zoom == 2.5 and camera.analysis_setup().detection_zoom == 2.5


def test_patch_with_bad_values_keeps_the_camera(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    api.post("/cameras", json=CAMERA, headers=integrator)
    response = api.patch("/cameras/renmin-03", json={"source": f"gopher://x:{SECRET}@h/"}, headers=integrator)
    assert response.status_code == 422 and SECRET not in response.text
    assert api.get("/cameras/renmin-03", headers=integrator).json()["source"].startswith("rtsp://***@")
    assert api.patch("/cameras/none", json={"enabled": False}, headers=integrator).status_code == 404


def _video(path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 5, (320, 240))
    for i in range(5):
        writer.write(np.full((240, 320, 3), 40 * i, dtype=np.uint8))
    writer.release()


def test_snapshot_returns_a_jpeg_of_a_real_stream(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    (world.tmp / "media").mkdir()
    _video(world.tmp / "media" / "clip.mp4")
    created = api.post("/cameras", json={**CAMERA, "source": f"file:{world.tmp / 'media' / 'clip.mp4'}"},
                       headers=integrator)
    assert created.status_code == 201, created.text
    response = api.post("/cameras/renmin-03/snapshot", headers=integrator)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (240, 320, 3)
    assert api.post("/cameras/renmin-03/snapshot", headers=world.headers("r", "reviewer")).status_code == 403


def test_snapshot_failures_are_clear_and_masked(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    api.post(
        "/cameras",
        json={**CAMERA, "source": f"rtsp://viewer:{SECRET}@127.0.0.1:{dead_port}/live"},
        headers=integrator,
    )
    failed = api.post("/cameras/renmin-03/snapshot", params={"timeout_s": 5}, headers=integrator)
    assert failed.status_code in (502, 504) and SECRET not in failed.text
    assert "rtsp://***@127.0.0.1" in failed.json()["detail"]
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        api.put(
            "/cameras/renmin-03",
            json={**CAMERA, "source": f"rtsp://viewer:{SECRET}@127.0.0.1:{port}/x"},
            headers=integrator,
        )
        slow = api.post("/cameras/renmin-03/snapshot", params={"timeout_s": 1}, headers=integrator)
    assert slow.status_code in (502, 504) and SECRET not in slow.text
