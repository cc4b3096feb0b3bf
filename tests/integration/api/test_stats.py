"""The bureau's statistics: counts by kind and local day match the database, approval rate, time to decision."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from api.db.models import Camera, DroneFindingRow, Event, Flight, SurveyArea
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


def _second_camera_and_a_drone_finding(world: ApiWorld) -> tuple[int, str]:
    """A second camera in another grid and unit, and a survey area whose flight found a structure;
    returns the flight id and the finding event's id."""
    with world.factory.begin() as s:
        s.add(
            Camera(
                id="bridge-2",
                name="bridge 2",
                source_url="file:/x.mp4",
                timezone="Asia/Shanghai",
                lat=30.3,
                lon=120.4,
                address="桥 2号",
                grid_code="330108",
                responsible_unit="二中队",
                analysis_fps=2.0,
            )
        )
        area = SurveyArea(
            name="north block",
            polygon=[[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]],
            grid_code="330102009",
            responsible_unit="三中队",
        )
        s.add(area)
        s.flush()
        flight = Flight(survey_area_id=area.id, flown_on=date(2026, 5, 1))
        s.add(flight)
        s.flush()
        s.add(
            DroneFindingRow(
                flight_id=flight.id,
                finding_key="k1",
                lat=30.2851,
                lon=120.1649,
                area_m2=12.5,
                registration_quality=0.9,
                score=0.8,
                frame_index=3,
            )
        )
        flight_id = flight.id
    roof = world.event(
        minutes=5, violation_type="rooftop_structure", camera_id=None, zone=None, plate=None, flight_id=flight_id
    )
    with world.factory.begin() as s:
        s.get_one(Event, roof).episode_key = f"flight:{flight_id}:structure:k1"
    return flight_id, roof


def test_stats_by_grid_and_unit_follow_the_camera_or_the_survey_area(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    _second_camera_and_a_drone_finding(world)
    world.event(minutes=1)  # gate-7: grid 330102, 一中队
    world.event(minutes=2)
    world.event(minutes=3, camera_id="bridge-2", zone=None)
    world.event(minutes=4, camera_id=None, zone=None)  # its camera was deleted: nowhere
    body = api.get("/stats/cases", headers=headers).json()
    assert {g: c["total"] for g, c in body["by_grid"].items()} == {
        "330102": 2,
        "330108": 1,
        "330102009": 1,
        "unassigned": 1,
    }
    assert {u: c["total"] for u, c in body["by_unit"].items()} == {
        "一中队": 2,
        "二中队": 1,
        "三中队": 1,
        "unassigned": 1,
    }
    assert body["approval_rate"] is None and body["median_decision_s"] is None and body["decided_count"] == 0


def test_decision_times_median_and_p90(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    ids = [world.event(minutes=i) for i in range(1, 11)]
    with world.factory.begin() as s:  # decided 10, 20, ..., 100 minutes after detection
        for i, event_id in enumerate(ids, start=1):
            event = s.get_one(Event, event_id)
            event.status, event.decided_at = "approved", event.confirmed_at + timedelta(minutes=10 * i)
    body = api.get("/stats/cases", headers=headers).json()
    assert body["decided_count"] == 10
    assert body["median_decision_s"] == 55 * 60
    assert body["p90_decision_s"] == 91 * 60  # inclusive method: 90 + 0.1 * (100 - 90) minutes
    assert body["approval_rate"] == 1.0


def test_case_map_places_camera_cases_at_the_camera_and_findings_at_their_position(
    api: TestClient, world: ApiWorld
) -> None:
    headers = world.headers("li.wei", "reviewer")
    flight_id, roof = _second_camera_and_a_drone_finding(world)
    parked = world.event(minutes=1)
    bridge = world.event(minutes=3, camera_id="bridge-2", zone=None, status="approved")
    orphan = world.event(minutes=4, camera_id=None, zone=None)
    body = api.get("/stats/map", headers=headers).json()
    assert {c["id"]: (c["lat"], c["lon"]) for c in body["cameras"]} == {
        "gate-7": (30.1, 120.2),
        "bridge-2": (30.3, 120.4),
    }
    assert [a["name"] for a in body["survey_areas"]] == ["north block"]
    assert body["survey_areas"][0]["polygon"] == [[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]]
    cases = {c["event_id"]: c for c in body["cases"]}
    assert [c["event_id"] for c in body["cases"]] == [roof, bridge, parked]  # newest first, orphan left off
    assert orphan not in cases
    assert (body["total"], body["unplaced"], body["truncated"]) == (4, 1, False)
    assert (cases[parked]["lat"], cases[parked]["lon"], cases[parked]["grid_code"]) == (30.1, 120.2, "330102")
    assert (cases[roof]["lat"], cases[roof]["lon"], cases[roof]["area_m2"]) == (30.2851, 120.1649, 12.5)
    assert (cases[roof]["flight_id"], cases[roof]["place"], cases[roof]["responsible_unit"]) == (
        flight_id,
        "north block",
        "三中队",
    )
    assert cases[bridge]["place"] == "bridge 2 · 桥 2号"
    only = api.get("/stats/map", params={"status": "approved"}, headers=headers).json()
    assert [c["event_id"] for c in only["cases"]] == [bridge] and only["total"] == 1
    newest = api.get("/stats/map", params={"limit": 2}, headers=headers).json()
    assert [c["event_id"] for c in newest["cases"]] == [roof]  # the newest two are the finding and the orphan
    assert (newest["total"], newest["unplaced"], newest["truncated"]) == (4, 1, True)
    wrong = api.get("/stats/map", params={"status": "closed"}, headers=headers)
    assert wrong.status_code == 422 and "status" in str(wrong.json()["detail"])
    assert api.get("/stats/map", headers=world.headers("wang.gong", "integrator")).status_code == 403
