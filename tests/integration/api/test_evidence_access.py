"""Event detail with evidence; media served only from the manifest, to authorised users, audited."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, Event
from tests.integration.api.review_fixtures import ApiWorld

PHOTO = "original/01-arrival.png"


def stored_manifest(world: ApiWorld, event_id: str) -> dict:  # type: ignore[type-arg]
    import json

    with world.factory() as s:
        record_id = s.get_one(Event, event_id).evidence_record_id
    return json.loads((world.tmp / "evidence" / "records" / str(record_id) / "manifest.json").read_text())


def test_detail_lists_evidence_with_marks_zone_and_verify_status(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    event_id = world.event(evidence=True)
    detail = api.get(f"/events/{event_id}", headers=headers).json()
    manifest = stored_manifest(world, event_id)
    assert detail["plate_text"] == "浙A12345" and detail["camera"]["address"] == "人民路 1号"
    assert detail["zone_polygon"] == manifest["zone_polygon"]
    media = {m["path"]: m for m in detail["evidence"]["media"]}
    assert {m["kind"] for m in media.values()} == {"original", "annotated", "plate", "clip"}
    assert media[PHOTO]["marks"] == manifest["photos"][0]["marks"]
    assert media[PHOTO]["view_offset"] == manifest["photos"][0]["view_offset"] == [0.0, 0.0]  # a steady camera
    assert detail["evidence"]["verify"]["state"] == "ok"  # a real signed, chained record
    photo = api.get(media[PHOTO]["url"], headers=headers)
    folder = world.tmp / "evidence" / "records" / manifest["record_id"]
    assert photo.status_code == 200 and photo.content == (folder / PHOTO).read_bytes()
    assert photo.headers["cache-control"] == "private, no-store"
    assert api.get(media[PHOTO]["url"]).status_code == 401
    assert (
        api.get(media[PHOTO]["url"], headers=world.headers("i", "integrator")).status_code
        == 403
    )
    with world.factory() as s:
        views = s.scalars(select(AuditEntry).where(AuditEntry.action == "evidence.view")).all()
        assert [(v.actor, v.target_id, v.detail["path"]) for v in views] == [
            ("li.wei", event_id, PHOTO)
        ]


def test_paths_outside_the_manifest_are_refused_and_audited(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    event_id = world.event(evidence=True)
    for path in (
        "../../secret.txt",
        "..%2F..%2Fsecret.txt",
        "manifest.json",
        "original%2F..%2Fplate.png",
        "/etc/passwd",
        "photos",
    ):
        response = api.get(f"/events/{event_id}/media/{path}", headers=headers)
        assert response.status_code == 404, (path, response.status_code)
        assert "outside any bundle" not in response.text
    with world.factory() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "evidence.denied")).all()
        assert len(denied) >= 4


def test_evidence_zip_holds_manifest_and_files(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    event_id = world.event(evidence=True)
    response = api.get(f"/events/{event_id}/evidence.zip", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    manifest = stored_manifest(world, event_id)
    assert any(n.endswith("manifest.json") for n in names) and any(n.endswith("manifest.sig") for n in names)
    assert {f["path"] for f in manifest["files"]} <= {n.split("/", 2)[-1] for n in names}
    # the ZIP verifies offline against the store's keys; its own keyring makes no key trusted
    from evidence.trust import store_trust
    from evidence.verify_export import verify_zip

    zip_path = world.tmp / "downloaded.zip"
    zip_path.write_bytes(response.content)
    report = verify_zip(zip_path, store_trust(world.tmp / "evidence"))
    assert report.ok, report.lines()
    assert report.export_signer is not None and report.export_signer.trust == "store key"
    assert not verify_zip(zip_path).ok
    assert api.get(f"/events/{world.event()}/evidence.zip", headers=headers).status_code == 404


def test_missing_bundle_is_reported_not_crashed(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    event_id = world.event(evidence=True)
    with world.factory() as s:
        record_id = s.get(Event, event_id).evidence_record_id  # type: ignore[union-attr]
    (world.tmp / "evidence" / "records" / str(record_id) / "manifest.json").unlink()
    detail = api.get(f"/events/{event_id}", headers=headers)
    assert detail.status_code == 200
    assert detail.json()["evidence"] is None and "missing its manifest" in detail.json()["evidence_error"]
