"""Drone operators open a finding: its before/after crops from the signed record, position and area;
only that record's files are served, every access is audited, other roles and flights are refused."""

from __future__ import annotations

import cv2
import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry
from tests.integration.api.drone_fixtures import recorded_finding
from tests.integration.api.review_fixtures import ApiWorld


def _image(response_content: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(response_content, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_operator_opens_a_finding_with_its_before_and_after_crops(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("zhao.fei", "drone_operator")
    found = recorded_finding(world)
    listed = api.get(f"/flights/{found.flight_id}/findings", headers=headers).json()
    assert [e["id"] for e in listed] == [found.event_id]

    body = api.get(f"/flights/{found.flight_id}/findings/{found.event_id}", headers=headers).json()
    assert body["evidence_error"] is None
    assert [p["role"] for p in body["photos"]] == ["before", "after", "before_full", "after_full"]
    assert (body["lat"], body["lon"], body["area_m2"]) == (found.lat, found.lon, found.area_m2)
    assert body["flight_dates"] == ["2026-04-01", "2026-05-01"]
    assert body["baseline_flight_id"] == str(found.baseline_flight_id)
    assert (body["survey_area"], body["flown_on"], body["registration_quality"]) == ("north block", "2026-05-01", 0.93)
    before, after = body["photos"][0], body["photos"][1]
    assert (before["width"], before["height"]) == (after["width"], after["height"]) == (160, 160)
    before_px = _image(api.get(before["url"], headers=headers).content)
    after_px = _image(api.get(after["url"], headers=headers).content)
    assert before_px.shape == after_px.shape == (160, 160, 3)
    # the same place: the roof is alike, the structure (red in BGR (40, 60, 200)) only in the later crop
    assert np.abs(before_px[:40].astype(int) - after_px[:40].astype(int)).max() == 0
    assert (after_px[:, :, 2] > 180).sum() > 1000 and (before_px[:, :, 2] > 180).sum() == 0
    assert api.get(after["annotated_url"], headers=headers).status_code == 200

    with world.factory() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.target_id == found.event_id)).all()
    assert actions.count("evidence.view") == 3 and "finding.view" in actions


def test_finding_routes_refuse_other_flights_files_and_roles(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("zhao.fei", "drone_operator")
    found = recorded_finding(world)
    camera_event = world.event(minutes=1)
    base = f"/flights/{found.flight_id}/findings"
    other = api.get(f"/flights/{found.baseline_flight_id}/findings/{found.event_id}", headers=headers)
    assert other.status_code == 404 and "has no finding" in other.json()["detail"]
    assert api.get(f"{base}/{camera_event}", headers=headers).status_code == 404  # a camera's case
    assert api.get(f"/flights/999999/findings/{found.event_id}", headers=headers).status_code == 404
    (world.tmp / "evidence" / "secret.txt").write_text("outside any bundle")
    for path in ("../../secret.txt", "..%2F..%2Fsecret.txt", "manifest.json", "original%2F..%2F..%2Fsecret.txt"):
        denied = api.get(f"{base}/{found.event_id}/media/{path}", headers=headers)
        assert denied.status_code == 404 and "outside any bundle" not in denied.text, path
    with world.factory() as s:
        assert s.scalars(select(AuditEntry.action)).all().count("evidence.denied") >= 3
    assert api.get(f"{base}/{found.event_id}", headers=world.headers("wang.gong", "integrator")).status_code == 403
    assert api.get(f"{base}/{found.event_id}").status_code == 401
    assert api.get(f"{base}/{found.event_id}", headers=world.headers("li.wei", "reviewer")).status_code == 200
    assert api.get(f"/events/{found.event_id}", headers=headers).status_code == 403  # the reviewer's view stays theirs
