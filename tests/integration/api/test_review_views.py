"""What the reviewer page reads besides the workflow: queue totals, thumbnails, history with the event's
facts, and the detector labels' names in GET /kinds."""

from __future__ import annotations

import cv2
import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry
from tests.integration.api.review_fixtures import ApiWorld


def test_queue_total_counts_every_page(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    for m in range(3):
        world.event(minutes=m)
    world.event(minutes=9, violation_type="open_barbecue", plate=None)
    world.event(minutes=10, status="approved")
    body = api.get("/events", params={"limit": 2}, headers=headers).json()
    assert (len(body["items"]), body["total"]) == (2, 4)
    assert api.get("/events", params={"violation_type": "open_barbecue"}, headers=headers).json()["total"] == 1
    assert api.get("/events", params={"status": "approved"}, headers=headers).json()["total"] == 1


def test_thumbnail_is_a_small_audited_confirmation_photo(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    recorded = world.event(minutes=1, evidence=True)
    bare = world.event(minutes=2)
    response = api.get(f"/events/{recorded}/thumbnail.jpg", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[1] == 160  # the record's photos are 160 px: never enlarged
    assert api.get(f"/events/{bare}/thumbnail.jpg", headers=headers).status_code == 404
    assert api.get(f"/events/{recorded}/thumbnail.jpg").status_code == 401
    with world.factory() as s:
        paths = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "evidence.view")).all()
    assert any("annotated/03-confirmation.jpg" in str(p) for p in paths), paths


def test_history_rows_carry_type_plate_and_place(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    event = world.event(minutes=1, plate="浙A55555")
    assert api.post(f"/events/{event}/decision", json={"decision": "approve"}, headers=headers).status_code == 201
    [row] = api.get("/reviews", params={"mine": True}, headers=headers).json()["items"]
    assert row["event_id"] == event and row["decision"] == "approve" and row["reviewer"] == "li.wei"
    assert row["event"] == {
        "violation_type": "illegal_parking",
        "plate_text": "浙A55555",
        "camera_id": "gate-7",
        "camera_name": "gate 7",
        "flight_id": None,
        "zone_name": "curb",
        "address": "人民路 1号",
        "timezone": "Asia/Shanghai",
        "status": "approved",
    }


def test_kinds_name_their_detector_labels_and_detail_words(api: TestClient, world: ApiWorld) -> None:
    kinds = {k["type"]: k for k in api.get("/kinds", headers=world.headers("rita", "reviewer")).json()}
    assert kinds["illegal_parking"]["label_names"]["vehicle"] == {"zh": "车辆", "en": "vehicle"}
    mud = kinds["mud_truck"]["label_names"]
    assert mud["uncovered_load"] == {"zh": "货物未覆盖", "en": "uncovered load"}
    assert mud["trail"]["zh"] == "路面泥迹"  # a mud sign of the details, not a detector label
    for kind in kinds.values():
        assert set(kind["detector_labels"]) <= set(kind["label_names"])
