"""The case system reports steps back on approved cases through an authenticated route; reviewers see
them on the case."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, CaseStatus
from tests.integration.api.review_fixtures import ApiWorld


def _approved(api: TestClient, world: ApiWorld, headers: dict[str, str]) -> str:
    event_id = world.event(minutes=1)
    assert api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=headers).status_code == 201
    return event_id


def test_steps_are_recorded_once_each_and_shown_on_the_case(api: TestClient, world: ApiWorld) -> None:
    reviewer = world.headers("li.wei", "reviewer")
    key, _ = world.api_key(world.user("szcg", "case_system"))
    system = {"Authorization": f"Bearer {key}"}
    event_id = _approved(api, world, reviewer)
    steps = [
        {"step": "filed", "at": "2026-05-01T10:00:00+08:00", "case_number": "XH-42"},
        {"step": "dispatched", "at": "2026-05-01T10:05:00+08:00", "actor": "三中队"},
        {"step": "handled", "at": "2026-05-01T10:40:00+08:00", "note": "车辆已驶离"},
    ]
    for step in steps:
        response = api.post(f"/cases/{event_id}/status", json=step, headers=system)
        assert response.status_code == 201, response.text
    again = api.post(f"/cases/{event_id}/status", json=steps[0], headers=system)  # the case system retries
    assert again.status_code == 200
    listed = api.get(f"/cases/{event_id}/status", headers=reviewer).json()
    assert [s["step"] for s in listed] == ["filed", "dispatched", "handled"]
    assert listed[0]["reported_at"].startswith("2026-05-01T02:00:00")  # stored in UTC
    assert (listed[0]["case_number"], listed[1]["actor"], listed[2]["note"]) == ("XH-42", "三中队", "车辆已驶离")
    detail = api.get(f"/events/{event_id}", headers=reviewer).json()
    assert [s["step"] for s in detail["case_steps"]] == ["filed", "dispatched", "handled"]
    with world.factory() as s:
        assert len(s.scalars(select(CaseStatus)).all()) == 3
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.action == "case.status")).all()) == 3


def test_only_the_case_system_reports_and_only_on_approved_cases(api: TestClient, world: ApiWorld) -> None:
    reviewer = world.headers("li.wei", "reviewer")
    key, _ = world.api_key(world.user("szcg", "case_system"))
    system = {"Authorization": f"Bearer {key}"}
    approved = _approved(api, world, reviewer)
    pending = world.event(minutes=2)
    step = {"step": "filed", "at": "2026-05-01T10:00:00+08:00"}
    assert api.post(f"/cases/{approved}/status", json=step).status_code == 401
    assert api.post(f"/cases/{approved}/status", json=step, headers=reviewer).status_code == 403
    assert api.post(f"/cases/{pending}/status", json=step, headers=system).status_code == 409
    assert api.post("/cases/01JAB3C4D5E6F7G8H9J0K1M2N3/status", json=step, headers=system).status_code == 404
    for bad, field in (
        ({"step": "paid", "at": "2026-05-01T10:00:00+08:00"}, "step"),
        ({"step": "filed", "at": "2026-05-01T10:00:00"}, "at"),  # no offset: refused, not guessed
        ({"step": "filed", "at": "2026-05-01T10:00:00Z", "extra": 1}, "extra"),
    ):
        response = api.post(f"/cases/{approved}/status", json=bad, headers=system)
        assert response.status_code == 422, response.text
        assert field in response.text
    assert api.get(f"/cases/{approved}/status", headers=system).status_code == 403  # reporting is not reading


def test_survey_areas_carry_the_place_their_cases_are_filed_under(api: TestClient, world: ApiWorld) -> None:
    operator = world.headers("zhao.fei", "drone_operator")
    body = {
        "name": "north block", "polygon": [[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]],
        "address": "文三路 100 号 北区", "grid_code": "330106-007", "responsible_unit": "西湖区城管执法局",
    }
    created = api.post("/survey-areas", json=body, headers=operator)
    assert created.status_code == 201, created.text
    area = api.get(f"/survey-areas/{created.json()['id']}", headers=operator).json()
    assert (area["address"], area["grid_code"], area["responsible_unit"]) == (
        "文三路 100 号 北区", "330106-007", "西湖区城管执法局"
    )
    too_long = api.post("/survey-areas", json={**body, "name": "b", "grid_code": "9" * 65}, headers=operator)
    assert too_long.status_code == 422 and "grid_code" in too_long.text
