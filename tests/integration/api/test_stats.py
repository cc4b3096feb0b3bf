"""The bureau's statistics: counts by kind and local day match the database, approval rate, time to decision."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import ApiWorld


def test_stats_count_by_kind_and_local_day(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    first = world.event(minutes=1)  # 01:01 UTC = 09:01 on 1 May at the camera
    late = world.event(minutes=16 * 60 + 30)  # 17:31 UTC = 01:31 on 2 May at the camera
    barbecue = world.event(minutes=2, violation_type="open_barbecue", plate=None)
    world.event(minutes=3)  # pending
    assert api.post(f"/events/{first}/decision", json={"decision": "approve"}, headers=headers).status_code == 201
    assert api.post(f"/events/{late}/decision", json={"decision": "approve"}, headers=headers).status_code == 201
    rejected = api.post(
        f"/events/{barbecue}/decision", json={"decision": "reject", "reason_code": "duplicate"}, headers=headers
    )
    assert rejected.status_code == 201
    body = api.get("/stats/cases", headers=headers).json()
    assert body["all"] == {"pending": 1, "approved": 2, "rejected": 1, "total": 4}
    assert body["by_kind"]["illegal_parking"] == {"pending": 1, "approved": 2, "rejected": 0, "total": 3}
    assert body["by_kind"]["open_barbecue"] == {"pending": 0, "approved": 0, "rejected": 1, "total": 1}
    assert {d: c["total"] for d, c in body["by_day"].items()} == {"2026-05-01": 3, "2026-05-02": 1}
    assert body["approval_rate"] == 2 / 3
    assert body["median_decision_s"] is not None and body["median_decision_s"] > 0
    since = api.get("/stats/cases", params={"since": "2026-05-02T00:00:00+08:00"}, headers=headers).json()
    assert since["all"]["total"] == 1
    assert api.get("/stats/cases").status_code == 401
    assert api.get("/stats/cases", headers=world.headers("wang.gong", "integrator")).status_code == 403
