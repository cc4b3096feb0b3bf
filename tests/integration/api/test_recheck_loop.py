"""The closed loop on SQLite and PostgreSQL: a parking case detected on the demo footage is approved, pushed
to a real local case-system receiver, reported back through the authenticated route (立案, 派遣, 处置), and
after 处置 the product looks at the place again on real footage: the car still there, the car gone, and a
camera that cannot be reached. Each outcome is a signed 核查 record on the case that `enforce verify`
checks, and a flipped byte in it fails verification."""

from __future__ import annotations

import functools
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.evidence_sink import DatabaseRecordSink
from api.db.models import CaseRecheck, Event
from api.pipeline.context import ModelIdentity, camera_context
from domain.types import EvidencePhoto, Frame, LabelledBox, ObjectIdentity, Violation
from evidence.keys import Signer
from evidence.writer import EvidenceWriter
from ingest.config import load_config
from ingest.config.loader import config_sha256
from tests.integration.api.review_fixtures import ApiWorld
from tests.integration.api.test_export import CaseSystem
from tests.support.chromium import CHROMIUM, chromium_page
from vision.detectors.factory import build_detector
from vision.geometry.polygon import contains
from vision.violations.parking import ParkingDetails

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "demo" / "parking.mp4"  # car-A parks in the curb-east zone from 2 s to 47.5 s (demo/parking.json)
WEIGHTS = REPO / "vision" / "models" / "street-v2" / "street-v2-int8.onnx"
ZONE = [[0.529, 1.0], [0.846, 1.0], [0.563, 0.481], [0.403, 0.488]]
DEMO_START = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)  # the demo camera's start_time, 09:00 in Shanghai
SECRETS = ("hunter2", "s3cr3t")


def _cut(start_s: float, end_s: float, out: Path) -> Path:
    """Real demo footage from start_s to end_s as its own H.264 file (10 fps, 1080p)."""
    with av.open(str(DEMO)) as src, av.open(str(out), "w") as dst:
        stream = dst.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        n = 0
        for i, decoded in enumerate(src.decode(video=0)):
            if start_s <= i / 10 < end_s:
                frame = av.VideoFrame.from_ndarray(decoded.to_ndarray(format="rgb24"), format="rgb24")
                frame.pts, frame.time_base, n = n, Fraction(1, 10), n + 1
                for packet in stream.encode(frame):
                    dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    return out


@functools.lru_cache(maxsize=1)
def _demo_frames(*seconds: float) -> dict[float, np.ndarray]:
    want = {round(s * 10): s for s in seconds}
    found = {}
    with av.open(str(DEMO)) as src:
        for i, frame in enumerate(src.decode(video=0)):
            if i in want:
                found[want[i]] = frame.to_ndarray(format="bgr24")
    return found


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("recheck-footage")
    return {
        "present": _cut(30.0, 36.0, folder / "present.mp4"),  # car-A still parked
        "absent": _cut(47.5, 53.0, folder / "absent.mp4"),  # car-A has driven off; car-G passes behind
    }


def _config(footage: dict[str, Path]) -> str:
    def camera(cid: str, source: str, start: str) -> str:
        return f"""
  - id: {cid}
    name: {cid}
    source: {source}
    timezone: Asia/Shanghai
    start_time: {start}
    location: {{lat: 30.27415, lon: 120.15515, address: 人民路 128号, grid_code: "330102", responsible_unit: 一中队}}
    analysis_fps: 2
    detectors: [street]
    zones:
      - {{name: curb-east, kind: no_parking, dwell_seconds: 20, photo_interval_seconds: 10, polygon: {ZONE}}}
"""

    return (
        f"detectors:\n  street: {{type: onnx, weights: {WEIGHTS}, image_size: 640, threads: 1, confidence: 0.25}}\n"
        "cameras:"
        + camera("curb-present", f"file:{footage['present']}", "2026-05-01T09:00:30+08:00")
        + camera("curb-absent", f"file:{footage['absent']}", "2026-05-01T09:00:47.5+08:00")
        + camera("gate-7", "rtsp://admin:hunter2@10.1.2.3:554/Streaming/Channels/101?token=s3cr3t", "null")
    )


@pytest.fixture
def case_system() -> Iterator[CaseSystem]:
    system = CaseSystem()
    yield system
    system.close()


def _client(world: ApiWorld, footage: dict[str, Path], webhook_url: str) -> TestClient:
    from api.app import create_app
    from api.settings import Settings

    config = world.tmp / "cameras.yaml"
    config.write_text(_config(footage))
    settings = Settings(
        config=config,
        database_url=world.database_url,
        evidence_dir=world.tmp / "evidence",
        upload_dir=world.tmp / "uploads",
        signing_key=world.tmp / "keys" / "signing.key",
        webhook_url=webhook_url,
        webhook_poll_s=0.1,
        recheck_poll_s=0.2,
        recheck_frames=3,
        recheck_spacing_s=2.0,
        recheck_timeout_s=3.0,
    )
    app = create_app(settings)
    app.state.clock = world.clock
    return TestClient(app)


def _detected_case(world: ApiWorld, camera_id: str, seq: int) -> str:
    """A parking violation of car-A on the demo footage, boxes from the detector, written as a real
    signed record whose database sink opens the pending event; returns the event id."""
    config = load_config(world.tmp / "cameras.yaml")
    camera = next(c for c in config.cameras if c.id == camera_id)
    detector = build_detector(config.detectors["street"])
    photos = []
    box = None
    shots = (("arrival", 12.0), ("interval", 36.0), ("confirmation", 40.0))  # car-B has left by 36 s
    for role, second in shots:
        image = _demo_frames(*(s for _, s in shots))[second]
        found = detector.detect(image).only("vehicle")
        inside = [b for b in found.boxes if contains([tuple(p) for p in ZONE], (b[0] + b[2]) / 3840, b[3] / 1080)]
        assert len(inside) == 1, f"car-A is the one vehicle in the zone at {second} s"
        box = tuple(float(v) for v in inside[0])
        frame = Frame(camera_id, int(second * 10), DEMO_START + timedelta(seconds=second + seq), image)
        photos.append(EvidencePhoto(role, frame, (LabelledBox("vehicle", box, 0.9),)))  # type: ignore[arg-type]
    assert box is not None
    norm = (box[0] / 1920, box[1] / 1080, box[2] / 1920, box[3] / 1080)
    violation = Violation(
        violation_type="illegal_parking",
        source_id=camera_id,
        zone_name="curb-east",
        episode_key=f"{camera_id}:curb-east:{seq}",
        object_label="vehicle",
        track_id=seq,
        first_seen_at=photos[0].frame.captured_at,
        confirmed_at=photos[-1].frame.captured_at,
        photos=tuple(photos),
        zone_polygon=tuple((x, y) for x, y in ZONE),
        identity=ObjectIdentity(norm),
        details=ParkingDetails(),
    )
    writer = EvidenceWriter(
        world.tmp / "evidence",
        Signer.load_or_create(world.tmp / "keys" / "signing.key"),
        DatabaseRecordSink(world.factory),
        spool_dir=world.tmp / "spool",
    )
    context = camera_context(camera, ModelIdentity.of(detector), config_sha256(world.tmp / "cameras.yaml"))
    record = writer.write(violation, context)
    with world.factory() as s:
        event_id = s.scalar(select(Event.id).where(Event.evidence_record_id == record.record_id))
    assert event_id is not None
    return event_id


def _wait(what: str, check: Any, timeout_s: float = 180.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_handled_case_is_rechecked_on_real_footage_and_signed(
    world: ApiWorld, footage: dict[str, Path], case_system: CaseSystem, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with _client(world, footage, case_system.url) as api:
        cases = {cam: _detected_case(world, cam, i) for i, cam in enumerate(("curb-present", "curb-absent", "gate-7"))}
        reviewer = world.headers("li.wei", "reviewer")
        key, _ = world.api_key(world.user("szcg", "case_system"))
        system = {"Authorization": f"Bearer {key}"}
        for event_id in cases.values():
            approved = api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=reviewer)
            assert approved.status_code == 201, approved.text
        _wait("the cases to reach the case system", lambda: len(case_system.received) >= 3, 30)
        assert sorted(body["event_id"] for _, body in case_system.received) == sorted(cases.values())
        for event_id in cases.values():
            for step, at in (("filed", "10:00"), ("dispatched", "10:05"), ("handled", "10:40")):
                body = {"step": step, "at": f"2026-05-01T{at}:00+08:00", "case_number": f"XH-{event_id[-4:]}"}
                reported = api.post(f"/cases/{event_id}/status", json=body, headers=system)
                assert reported.status_code == 201, reported.text

        def done(event_id: str) -> dict[str, Any] | None:
            detail = api.get(f"/events/{event_id}", headers=reviewer).json()
            rechecks = detail["rechecks"]
            return detail if rechecks and rechecks[0]["state"] == "done" else None

        details = {cam: _wait(f"the re-check of {cam}", lambda e=event_id: done(e)) for cam, event_id in cases.items()}
        outcomes = {cam: (d["rechecks"][0]["outcome"], d["rechecks"][0]["reason"]) for cam, d in details.items()}
        assert outcomes == {
            "curb-present": ("still_present", "present"),
            "curb-absent": ("cleared", "not_present"),
            "gate-7": ("inconclusive", "no_frames"),
        }, {cam: d["rechecks"][0]["detail"] for cam, d in details.items()}
        offline = details["gate-7"]["rechecks"][0]
        assert "gate-7" in offline["detail"]
        for cam, detail in details.items():
            recheck = detail["rechecks"][0]
            assert [s["step"] for s in detail["case_steps"]] == ["filed", "dispatched", "handled"]
            evidence = recheck["evidence"]
            assert evidence is not None and evidence["verify"]["state"] == "ok", (cam, evidence and evidence["verify"])
            info = evidence["record"]["recheck"]
            assert (evidence["record"]["kind"], info["event_id"]) == ("recheck", detail["id"])
            assert evidence["record"]["episode_record_id"] == detail["evidence"]["record_id"]
            assert info["handled_at"].startswith("2026-05-01T02:40:00")  # the 处置 report's time, in UTC
            photos = evidence["record"]["photos"]
            assert len(photos) == (0 if cam == "gate-7" else 3) == info["frames"]
        present = details["curb-present"]["rechecks"][0]["evidence"]
        captured = [p["captured_at"] for p in present["record"]["photos"]]
        assert captured == sorted(captured) and captured[0].startswith("2026-05-01T01:00:3")  # the footage's own times
        assert present["record"]["recheck"]["frames_present"] >= 2
        original = next(m for m in present["media"] if m["kind"] == "original")
        assert {m["label"] for m in original["marks"]} == {"original_place", "vehicle"}
        image = api.get(original["url"], headers=reviewer)
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert api.get(original["url"]).status_code == 401
        absent = details["curb-absent"]["rechecks"][0]["evidence"]
        absent_marks = [mark["label"] for m in absent["media"] if m["kind"] == "original" for mark in m["marks"]]
        assert absent_marks == ["original_place"] * 3  # nothing found at the place on any of the 3 photos
        pushed = _wait(
            "the 核查 results at the case system",
            lambda: (
                [b for _, b in list(case_system.received) if b.get("type") == "recheck"]
                if sum(1 for _, b in list(case_system.received) if b.get("type") == "recheck") == 3
                else None
            ),
            30,
        )
        by_event = {b["event_id"]: b for b in pushed}
        for cam, event_id in cases.items():
            body = by_event[event_id]
            assert (body["step"], body["outcome"], body["case_number"]) == (
                "checked",
                outcomes[cam][0],
                f"XH-{event_id[-4:]}",
            )
            assert body["handled_local"] == "2026-05-01T10:40:00+08:00"
            assert len(body["photo_urls"]) == len(body["photo_times_local"]) == (0 if cam == "gate-7" else 3)
        link = by_event[cases["curb-absent"]]["photo_urls"][0]
        assert api.get(link, headers=reviewer).content[:4] == b"\x89PNG"
        assert api.get(by_event[cases["curb-absent"]]["evidence_zip_url"], headers=reviewer).status_code == 200
        text = str(details)
        assert not any(secret in text for secret in SECRETS)
        with world.factory() as s:
            stored = " ".join(f"{r.detail} {r.last_error}" for r in s.scalars(select(CaseRecheck)))
        assert "10.1.2.3" in stored and not any(secret in stored + caplog.text for secret in SECRETS)
        record_ids = [d["rechecks"][0]["evidence"]["record_id"] for d in details.values()]

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "ENFORCE_DATABASE_URL": world.database_url,
        "ENFORCE_EVIDENCE_DIR": str(world.tmp / "evidence"),
        "ENFORCE_SIGNING_KEY": str(world.tmp / "keys" / "signing.key"),
    }
    verify = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify", "--all"], capture_output=True, text=True, env=env, timeout=120
    )
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    assert all(rid in verify.stdout for rid in record_ids)
    photo = world.tmp / "evidence" / "records" / record_ids[1] / "original" / "01-recheck.png"
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0x01
    photo.write_bytes(bytes(data))
    tampered = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify", record_ids[1]], capture_output=True, text=True, env=env, timeout=120
    )
    assert tampered.returncode != 0
    assert "original/01-recheck.png does not match its SHA-256" in tampered.stdout + tampered.stderr


@pytest.fixture
def footage_server(world: ApiWorld, footage: dict[str, Path]) -> Iterator[str]:
    """A real uvicorn on the footage cameras (the page test needs a browser-reachable server)."""
    import threading

    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    config = world.tmp / "cameras.yaml"
    config.write_text(_config(footage))
    settings = Settings(
        config=config,
        database_url=world.database_url,
        evidence_dir=world.tmp / "evidence",
        upload_dir=world.tmp / "uploads",
        signing_key=world.tmp / "keys" / "signing.key",
        recheck_poll_s=0.2,
        recheck_timeout_s=3.0,
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    _wait("uvicorn", lambda: server.started, 60)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(20)


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_the_recheck_shows_on_the_case_page_in_both_languages(world: ApiWorld, footage_server: str) -> None:
    import httpx
    from playwright.sync_api import expect

    from tests.integration.api.test_web_page import _open_the_approved_case

    event_id = _detected_case(world, "curb-present", 0)
    reviewer = world.user("li.wei", "reviewer")
    auth = {"Authorization": f"Bearer {world.token(reviewer)}"}
    key, _ = world.api_key(world.user("szcg", "case_system"))
    assert httpx.post(f"{footage_server}/events/{event_id}/decision", json={"decision": "approve"}, headers=auth)
    handled = {"step": "handled", "at": "2026-05-01T10:40:00+08:00", "case_number": "XH-7"}
    reported = httpx.post(
        f"{footage_server}/cases/{event_id}/status", json=handled, headers={"Authorization": f"Bearer {key}"}
    )
    assert reported.status_code == 201, reported.text
    _wait(
        "the re-check",
        lambda: httpx.get(f"{footage_server}/events/{event_id}", headers=auth).json()["rechecks"][0]["state"] == "done",
    )
    expect.set_options(timeout=20_000)
    with chromium_page(footage_server + "/") as (page, errors):
        _open_the_approved_case(page)
        head = page.locator("#rechecks li.recheck .recheck-head")
        expect(head).to_contain_text(
            "仍存在 · 目标仍在原位置（同类目标，未比对身份） · 3 张画面中 3 张可见 · 录像文件 · 2026/"
        )
        expect(page.locator("#rechecks li.recheck .badge")).to_have_text("证据校验通过")
        photos = page.locator("#rechecks figure.photo figcaption")
        expect(photos).to_have_count(3)
        expect(photos.first).to_have_text("核查 · 2026/05/01 09:00:30")
        page.wait_for_function("() => [...document.querySelectorAll('#rechecks img')].every((i) => i.naturalWidth)")
        page.locator("#lang").click()
        expect(head).to_contain_text(
            "still there · still at the place (same kind of object; identity not compared) · "
            "seen in 3 of 3 frames · recorded footage"
        )
        assert not errors, errors


def test_kinds_a_camera_cannot_recheck_and_cases_without_a_record_say_so(api: TestClient, world: ApiWorld) -> None:
    reviewer = world.headers("li.wei", "reviewer")
    key, _ = world.api_key(world.user("szcg", "case_system"))
    system = {"Authorization": f"Bearer {key}"}
    truck = world.event(minutes=1, violation_type="mud_truck")
    bare = world.event(minutes=2)  # a parking case whose evidence record is not in this database
    for event_id in (truck, bare):
        assert (
            api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=reviewer).status_code == 201
        )
        for step in ("filed", "handled"):
            body = {"step": step, "at": "2026-05-01T10:40:00+08:00"}
            assert api.post(f"/cases/{event_id}/status", json=body, headers=system).status_code == 201
    [now] = api.get(f"/events/{truck}", headers=reviewer).json()["rechecks"]  # decided in the report itself
    assert (now["state"], now["outcome"], now["reason"]) == ("done", "not_recheckable", "moving_vehicle")
    assert now["evidence"] is None and "driven on" in now["detail"]
    later = _wait(
        "the runner",
        lambda: (
            (r := api.get(f"/events/{bare}", headers=reviewer).json()["rechecks"]) and r[0]["state"] == "done" and r[0]
        ),
        30,
    )
    assert (later["outcome"], later["reason"], later["evidence"]) == ("inconclusive", "unrecorded", None)
    assert "no evidence record" in later["detail"]
    again = api.post(
        f"/cases/{truck}/status", json={"step": "handled", "at": "2026-05-01T10:40:00+08:00"}, headers=system
    )
    assert again.status_code == 200  # the same report again: no second re-check
    assert len(api.get(f"/events/{truck}", headers=reviewer).json()["rechecks"]) == 1
