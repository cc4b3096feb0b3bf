"""The camera source policy: no evidence, keys or server files and no internal addresses through a
camera, at create, update and snapshot; every snapshot audited with who, which camera and the outcome."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, Camera, Event
from tests.integration.api.review_fixtures import ApiWorld, make_client
from tests.integration.api.test_camera_admin import CAMERA, _video


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    """Media root = the whole test folder, which holds the evidence store: the store must still be refused."""
    with make_client(world, media_roots=[world.tmp]) as client:
        yield client


@pytest.fixture
def integrator(world: ApiWorld) -> dict[str, str]:
    return world.headers("wang.gong", "integrator")


def _evidence_files(world: ApiWorld) -> tuple[Path, Path]:
    """The arrival photo and the clip of a real signed evidence record in the store."""
    event_id = world.event(evidence=True)
    with world.factory() as s:
        record_id = s.get_one(Event, event_id).evidence_record_id
    folder = world.tmp / "evidence" / "records" / str(record_id)
    photo = next(folder.glob("original/01-arrival*"))
    clip = next(p for p in folder.rglob("*.mp4"))
    return photo, clip


def test_a_camera_cannot_point_at_the_evidence_store(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    photo, clip = _evidence_files(world)
    (world.tmp / "media").mkdir()
    (world.tmp / "media" / "link.png").symlink_to(photo)
    sources = [
        f"file://{photo}",  # the reproduction: file:///<evidence store>/records/<id>/original/01-arrival.png
        f"file:{clip}",
        f"file:{world.tmp / 'media' / '..' / 'evidence' / photo.relative_to(world.tmp / 'evidence')}",
        f"file:{world.tmp / 'media' / 'link.png'}",  # a link inside a media root to the evidence
    ]
    for source in sources:
        response = api.post("/cameras", json={**CAMERA, "source": source}, headers=integrator)
        assert response.status_code == 422, (source, response.text)
        assert response.json()["detail"] == [
            "source: refused by the source policy: file sources may not read the evidence store "
            "(ENFORCE_EVIDENCE_DIR)"
        ]
    assert api.get("/cameras/renmin-03", headers=integrator).status_code == 404
    api.post("/cameras", json=CAMERA, headers=integrator)
    patched = api.patch("/cameras/renmin-03", json={"source": f"file://{photo}"}, headers=integrator)
    assert patched.status_code == 422 and "evidence store" in patched.text
    replaced = api.put("/cameras/renmin-03", json={**CAMERA, "source": f"file://{photo}"}, headers=integrator)
    assert replaced.status_code == 422 and "evidence store" in replaced.text
    with world.factory() as s:
        assert s.get_one(Camera, "renmin-03").source_url == CAMERA["source"]  # nothing accepted is lost


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("file:/etc/hostname", "must lie under a media root (ENFORCE_MEDIA_ROOTS)"),
        ("file://evil-host/share/x.mp4", "file:PATH or file:///absolute/path (no host)"),
        ("http://169.254.169.254/latest/meta-data/", "link-local or cloud-metadata address"),
        ("http://100.100.100.200/latest/meta-data/", "link-local or cloud-metadata address"),
        ("rtsp://127.0.0.1:8554/live", "a loopback address"),
        ("rtsp://[::1]:8554/live", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/x", "a loopback address"),
        ("http://localhost:8000/events", "a loopback address"),
        ("http://0.0.0.0/x", "unspecified, multicast or reserved"),
    ],
)
def test_sources_outside_the_policy_are_refused_naming_the_rule(
    api: TestClient, integrator: dict[str, str], source: str, rule: str
) -> None:
    response = api.post("/cameras", json={**CAMERA, "source": source}, headers=integrator)
    assert response.status_code == 422, response.text
    assert "refused by the source policy" in response.text and rule in response.text, response.text


def test_snapshot_of_an_existing_bad_camera_is_refused_and_audited(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    photo, _ = _evidence_files(world)
    api.post("/cameras", json=CAMERA, headers=integrator)
    with world.factory() as s:  # a row written before the policy existed
        s.get_one(Camera, "renmin-03").source_url = f"file://{photo}"
        s.commit()
    response = api.post("/cameras/renmin-03/snapshot", headers=integrator)
    assert response.status_code == 422 and response.headers["content-type"] == "application/json"
    assert response.json()["detail"] == (
        "camera source refused by the source policy: file sources may not read the evidence store "
        "(ENFORCE_EVIDENCE_DIR)"
    )
    disabled = api.patch("/cameras/renmin-03", json={"enabled": False}, headers=integrator)
    assert disabled.status_code == 200  # a bad camera can always be switched off
    with world.factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.snapshot")).one()
    assert (entry.actor, entry.target_type, entry.target_id) == ("wang.gong", "camera", "renmin-03")
    assert entry.detail["result"] == "refused" and "evidence store" in entry.detail["reason"]


def test_a_file_under_a_media_root_still_works_and_is_audited(world: ApiWorld, integrator: dict[str, str]) -> None:
    root = world.tmp / "project"
    (root / "media").mkdir(parents=True)
    _video(root / "media" / "clip.mp4")
    with make_client(world, media_roots=[world.tmp], project_root=root) as api:
        missing = api.post("/cameras", json={**CAMERA, "source": "file:media/nope.mp4"}, headers=integrator)
        assert missing.status_code == 422
        assert missing.json()["detail"] == [
            f"source: file {root / 'media' / 'nope.mp4'} does not exist (a relative file: path is read from "
            f"the project root {root})"
        ]
        relative = "file:media/clip.mp4"  # relative to the project root, not to the cameras file's folder
        created = api.post("/cameras", json={**CAMERA, "source": relative}, headers=integrator)
        assert created.status_code == 201, created.text
        with world.factory() as s:
            assert s.get_one(Camera, "renmin-03").source_url == f"file:{root / 'media' / 'clip.mp4'}"
        response = api.post("/cameras/renmin-03/snapshot", headers=integrator)
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with world.factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.snapshot")).one()
    assert (entry.actor, entry.target_id, entry.detail["result"]) == ("wang.gong", "renmin-03", "ok")


def test_the_demo_root_and_the_registry_files_are_allowed_by_default(world: ApiWorld) -> None:
    from api.settings import REPO_DEMO

    integrator = world.headers("wang.gong", "integrator")
    with make_client(world) as api:
        demo = api.post("/cameras", json={**CAMERA, "source": f"file:{REPO_DEMO / 'parking.mp4'}"},
                        headers=integrator)
        assert demo.status_code == 201, demo.text
        assert api.post("/cameras/renmin-03/snapshot", headers=integrator).status_code == 200
        local = api.put("/cameras/renmin-03", json={**CAMERA, "source": "rtsp://127.0.0.1:8554/x"},
                        headers=integrator)
        assert local.status_code == 422 and "a loopback address" in local.text
    with make_client(world, source_allowed_networks=["127.0.0.1/32"]) as api:
        allowed = api.put("/cameras/renmin-03", json={**CAMERA, "source": "rtsp://127.0.0.1:8554/x"},
                          headers=integrator)
        assert allowed.status_code == 200, allowed.text
