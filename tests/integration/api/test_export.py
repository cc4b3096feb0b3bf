"""Approved cases out: JSON and CSV export, and the webhook push with retries and dead letters."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from fastapi.testclient import TestClient

from api.db.models import WebhookDelivery
from api.export.webhook import RetryPolicy, deliver_due
from tests.integration.api.review_fixtures import ApiWorld, make_client


class CaseSystem:
    """A stand-in 数字城管 intake: answers with the scripted status codes, records what arrived."""

    def __init__(self) -> None:
        self.script: list[int] = []
        self.received: list[tuple[str, dict[str, object]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.received.append((self.headers["Idempotency-Key"], body))
                code = outer.script.pop(0) if outer.script else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/intake"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def case_system() -> Iterator[CaseSystem]:
    system = CaseSystem()
    yield system
    system.close()


def _approve(api: TestClient, world: ApiWorld, headers: dict[str, str], **kwargs: object) -> str:
    event_id = world.event(**kwargs)  # type: ignore[arg-type]
    assert (
        api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=headers).status_code
        == 201
    )
    return event_id


def test_export_json_and_csv_with_zip_links(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    approved = _approve(api, world, headers, evidence=True, plate="=HYPERLINK(1)")
    rejected = world.event()
    api.post(
        f"/events/{rejected}/decision",
        json={"decision": "reject", "reason_code": "duplicate"},
        headers=headers,
    )
    world.event()  # still pending
    cases = api.get("/exports/cases", headers=headers).json()
    assert [c["event_id"] for c in cases] == [approved]
    assert cases[0]["evidence_zip_url"].endswith(f"/events/{approved}/evidence.zip")
    assert cases[0]["grid_code"] == "330102" and cases[0]["reviewer_id"] is not None
    zip_path = "/" + cases[0]["evidence_zip_url"].split("/", 3)[3]
    assert api.get(zip_path, headers=headers).status_code == 200
    response = api.get("/exports/cases", params={"format": "csv"}, headers=headers)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Chinese Windows reads UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["event_id"] for r in rows] == [approved]
    assert rows[0]["plate_text"] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets
    assert rows[0]["evidence_zip_url"] == cases[0]["evidence_zip_url"]
    assert rows[0]["photo_urls"] == " ".join(cases[0]["photo_urls"])


def test_export_carries_codes_local_time_description_photos_and_reviewer(api: TestClient, world: ApiWorld) -> None:
    from vision.violations import registry

    headers = world.headers("li.wei", "reviewer")
    approved = _approve(api, world, headers, minutes=1, evidence=True, plate="浙A12345")
    [case] = api.get("/exports/cases", headers=headers).json()
    codes = registry.kind_of("illegal_parking").case_codes
    assert (case["case_major"], case["case_minor"]) == (codes.major, codes.minor)
    assert (case["case_major_name"], case["case_minor_name"]) == (codes.major_name, codes.minor_name)
    assert case["timezone"] == "Asia/Shanghai"
    assert case["confirmed_local"] == "2026-05-01T09:01:00+08:00"  # 01:01 UTC at the camera
    assert case["first_seen_local"] == "2026-05-01T08:55:30+08:00"
    assert case["description"] == "2026-05-01 09:01 于人民路 1号（curb）发现违法停车，车牌 浙A12345。"
    assert case["reviewer_name"] == "li.wei" and case["reviewer_id"] is not None
    assert [u.rsplit("/", 2)[-2:] for u in case["photo_urls"]] == [
        ["original", "01-arrival.png"], ["original", "02-interval.png"], ["original", "03-confirmation.png"]
    ]
    photo = "/" + case["photo_urls"][0].split("/", 3)[3]
    assert photo.startswith(f"/events/{approved}/media/")
    assert api.get(photo, headers=headers).status_code == 200
    assert api.get(photo).status_code == 401  # the links need a login


def test_an_approved_rooftop_case_exports_its_place_position_and_area(api: TestClient, world: ApiWorld) -> None:
    """A drone finding has no camera: its position and area come from its signed record, its address,
    grid and unit from its flight's survey area."""
    from dataclasses import replace
    from datetime import date

    from sqlalchemy import select

    from api.db.evidence_sink import DatabaseRecordSink
    from api.db.models import Event, Flight, SurveyArea
    from api.pipeline.sinks import FlightEvidenceSink
    from evidence.keys import Signer
    from evidence.synthetic import make_violation
    from evidence.writer import EvidenceWriter
    from vision.violations.rooftop import RooftopDetails

    headers = world.headers("li.wei", "reviewer")
    with world.factory.begin() as s:
        area = SurveyArea(name="north block", polygon=[[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]],
                          address="文三路 100 号 北区", grid_code="330106-007", responsible_unit="西湖区城管执法局")
        s.add(area)
        s.flush()
        flight = Flight(flown_on=date(2026, 5, 1), survey_area_id=area.id)
        s.add(flight)
        s.flush()
        flight_id = flight.id
    writer = EvidenceWriter(
        world.tmp / "evidence", Signer.load_or_create(world.tmp / "keys" / "signing.key"),
        DatabaseRecordSink(world.factory), spool_dir=world.tmp / "spool",
    )
    weights = world.tmp / "aerial.onnx"
    weights.write_bytes(b"weights")
    violation = replace(
        make_violation(device_id=str(flight_id), width=160, height=90, clip_frames=3),
        violation_type="rooftop_structure", zone_name="north block", plate=None,
        details=RooftopDetails(lat=30.281234, lon=120.161234, area_m2=42.5),
    )
    record = FlightEvidenceSink(writer, weights, "c" * 64).submit(violation)
    with world.factory() as s:
        event_id = s.scalars(select(Event.id).where(Event.evidence_record_id == record)).one()
    assert api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=headers).status_code == 201
    [case] = api.get("/exports/cases", headers=headers).json()
    assert (case["flight_id"], case["camera_id"]) == (flight_id, None)
    assert (case["lat"], case["lon"], case["area_m2"]) == (30.281234, 120.161234, 42.5)
    assert (case["address"], case["grid_code"], case["responsible_unit"]) == (
        "文三路 100 号 北区", "330106-007", "西湖区城管执法局"  # filed under the survey area
    )
    assert "屋顶违建" in case["description"] and "面积约 42.5 平方米" in case["description"]


def test_webhook_retries_with_backoff_same_idempotency_key_then_delivers(
    world: ApiWorld, case_system: CaseSystem
) -> None:
    with make_client(world, webhook_url=case_system.url, webhook_poll_s=3600) as api:
        event_id = _approve(api, world, world.headers("li.wei", "reviewer"))
    case_system.script = [500, 503]
    policy = RetryPolicy(max_attempts=5, first_delay_s=10)
    now = world.clock()
    with httpx.Client(timeout=5) as client:
        assert deliver_due(world.factory, client, policy, now) == 1
        assert deliver_due(world.factory, client, policy, now) == 0  # not due before the backoff
        assert deliver_due(world.factory, client, policy, now.replace() + policy.delay_after(1)) == 1
        assert (
            deliver_due(world.factory, client, policy, now + policy.delay_after(1) + policy.delay_after(1))
            == 0
        )
        later = now + policy.delay_after(1) + policy.delay_after(2)
        assert deliver_due(world.factory, client, policy, later) == 1
    keys = {key for key, _ in case_system.received}
    assert len(case_system.received) == 3 and len(keys) == 1
    assert case_system.received[0][1]["event_id"] == event_id
    with world.factory() as s:
        delivery = s.query(WebhookDelivery).one()
        assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_webhook_dead_letters_after_last_attempt_and_admin_retry(
    world: ApiWorld, case_system: CaseSystem
) -> None:
    with make_client(world, webhook_url=case_system.url, webhook_poll_s=3600) as api:
        _approve(api, world, world.headers("li.wei", "reviewer"))
        admin = world.headers("root", "admin")
        case_system.script = [500] * 3
        policy = RetryPolicy(max_attempts=3, first_delay_s=1)
        with httpx.Client(timeout=5) as client:
            for step in range(3):
                deliver_due(world.factory, client, policy, world.clock() + policy.delay_after(3) * step)
        dead = api.get("/webhooks/deliveries", params={"status": "dead"}, headers=admin).json()
        assert len(dead) == 1 and dead[0]["attempts"] == 3 and "HTTP 500" in dead[0]["last_error"]
        assert api.get("/webhooks/deliveries", headers=world.headers("r2", "reviewer")).status_code == 403
        retried = api.post(f"/webhooks/deliveries/{dead[0]['id']}/retry", headers=admin)
        assert retried.status_code == 200 and retried.json()["status"] == "pending"
        with httpx.Client(timeout=5) as client:
            deliver_due(world.factory, client, policy, world.clock())
        assert api.get("/webhooks/deliveries", params={"status": "delivered"}, headers=admin).json()


def test_app_pushes_approved_cases_in_the_background(world: ApiWorld, case_system: CaseSystem) -> None:
    with make_client(world, webhook_url=case_system.url, webhook_poll_s=0.1) as api:
        event_id = _approve(api, world, world.headers("li.wei", "reviewer"))
        deadline = time.monotonic() + 10
        while not case_system.received and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [body["event_id"] for _, body in case_system.received] == [event_id]


def test_reopening_cancels_an_undelivered_push(world: ApiWorld, case_system: CaseSystem) -> None:
    with make_client(world, webhook_url=case_system.url, webhook_poll_s=3600) as api:
        event_id = _approve(api, world, world.headers("li.wei", "reviewer"))
        admin = world.headers("root", "admin")
        reopened = api.post(f"/events/{event_id}/reopen", json={"note": "appeal"}, headers=admin)
        assert reopened.status_code == 201
        with httpx.Client(timeout=5) as client:
            assert deliver_due(world.factory, client, RetryPolicy(), world.clock()) == 0
        assert case_system.received == []
        cancelled = api.get("/webhooks/deliveries", params={"status": "cancelled"}, headers=admin).json()
        assert [d["event_id"] for d in cancelled] == [event_id]
