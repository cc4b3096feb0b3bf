"""Drone operators: flights, resumable chunked uploads, content and checksum checks, status and findings."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import DroneUpload
from tests.integration.api.review_fixtures import ApiWorld

MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + os.urandom(40_000)
SRT = '1\n00:00:00,000 --> 00:00:00,033\n<font size="28">FrameCnt: 1 [latitude: 30.27]</font>\n'


@pytest.fixture
def pilot(world: ApiWorld) -> dict[str, str]:
    return world.headers("zhao.fei", "drone_operator")


def _flight(api: TestClient, pilot: dict[str, str]) -> int:
    response = api.post("/flights", json={"flown_on": "2026-05-01"}, headers=pilot)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _declare(api: TestClient, pilot: dict[str, str], flight: int, name: str, kind: str, data: bytes) -> str:
    response = api.post(
        f"/flights/{flight}/uploads",
        headers=pilot,
        json={
            "filename": name,
            "kind": kind,
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _chunk(api: TestClient, pilot: dict[str, str], upload: str, offset: int, data: bytes):  # type: ignore[no-untyped-def]
    return api.patch(
        f"/uploads/{upload}",
        content=data,
        headers={**pilot, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
    )


def test_chunked_upload_completes_into_the_flight_folder(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _flight(api, pilot)
    upload = _declare(api, pilot, flight, "DJI_0001.MP4", "video", MP4)
    step = 16_384
    for offset in range(0, len(MP4), step):
        response = _chunk(api, pilot, upload, offset, MP4[offset : offset + step])
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "complete"
    stored = world.tmp / "uploads" / "flights" / str(flight) / "DJI_0001.MP4"
    assert stored.read_bytes() == MP4
    srt = _declare(api, pilot, flight, "DJI_0001.SRT", "srt", SRT.encode())
    assert _chunk(api, pilot, srt, 0, SRT.encode()).json()["status"] == "complete"
    detail = api.get(f"/flights/{flight}", headers=pilot).json()
    assert detail["status"] == "created" and [u["status"] for u in detail["uploads"]] == [
        "complete",
        "complete",
    ]


def test_wrong_offset_is_409_with_where_to_resume(api: TestClient, pilot: dict[str, str]) -> None:
    flight = _flight(api, pilot)
    upload = _declare(api, pilot, flight, "a.mp4", "video", MP4)
    assert _chunk(api, pilot, upload, 0, MP4[:1000]).status_code == 200
    wrong = _chunk(api, pilot, upload, 5000, MP4[5000:6000])
    assert wrong.status_code == 409 and wrong.headers["upload-offset"] == "1000"
    head = api.head(f"/uploads/{upload}", headers=pilot)
    assert head.headers["upload-offset"] == "1000" and head.headers["upload-length"] == str(len(MP4))
    assert _chunk(api, pilot, upload, 1000, MP4[1000:]).json()["status"] == "complete"


def test_renamed_text_file_is_rejected_clearly(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _flight(api, pilot)
    text = ("These are my notes about the flight, not a video at all.\n" * 30).encode()
    upload = _declare(api, pilot, flight, "notes.mp4", "video", text)
    response = _chunk(api, pilot, upload, 0, text)
    assert response.status_code == 415
    assert "declared an MP4/MOV/MKV/AVI/TS video" in response.json()["detail"]
    assert "plain text" in response.json()["detail"]
    assert not (world.tmp / "uploads" / "flights" / str(flight) / "notes.mp4").exists()
    jpeg_as_srt = _declare(api, pilot, flight, "x.srt", "srt", b"\xff\xd8\xff\xe0" + b"\x00" * 600)
    assert (
        "JPEG/PNG/TIFF/DNG photo"
        in _chunk(api, pilot, jpeg_as_srt, 0, b"\xff\xd8\xff\xe0" + b"\x00" * 600).text
    )


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"filename": "../../etc/passwd.mp4", "kind": "video"}, 422, "not allowed"),
        ({"filename": "a.txt", "kind": "video"}, 422, "must end in"),
        ({"filename": "a.jpg", "kind": "still", "size_bytes": 10**12}, 413, "at most"),
        ({"filename": "a.mp4", "kind": "video", "sha256": "xyz"}, 422, "sha256"),
    ],
)
def test_bad_declarations_are_refused(
    api: TestClient, pilot: dict[str, str], body: dict[str, object], status: int, error: str
) -> None:
    flight = _flight(api, pilot)
    full = {"size_bytes": 100, "sha256": "0" * 64, **body}
    response = api.post(f"/flights/{flight}/uploads", json=full, headers=pilot)
    assert response.status_code == status and error in response.text


def test_checksum_mismatch_is_reported_and_nothing_is_published(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _flight(api, pilot)
    response = api.post(
        f"/flights/{flight}/uploads",
        headers=pilot,
        json={"filename": "b.mp4", "kind": "video", "size_bytes": len(MP4), "sha256": "1" * 64},
    )
    result = _chunk(api, pilot, response.json()["id"], 0, MP4)
    assert result.status_code == 422 and "SHA-256" in result.text
    assert api.get(f"/uploads/{response.json()['id']}", headers=pilot).json()["status"] == "bad_checksum"
    assert not (world.tmp / "uploads" / "flights" / str(flight) / "b.mp4").exists()
    assert _declare(api, pilot, flight, "b.mp4", "video", MP4)  # the name is free again for the resend


def test_oversized_chunk_is_413(world: ApiWorld, pilot: dict[str, str]) -> None:
    from tests.integration.api.review_fixtures import make_client

    with make_client(world, max_chunk_bytes=1024) as api:
        flight = _flight(api, pilot)
        upload = _declare(api, pilot, flight, "c.mp4", "video", MP4)
        assert _chunk(api, pilot, upload, 0, MP4[:4096]).status_code == 413


def test_roles_and_findings(api: TestClient, world: ApiWorld, pilot: dict[str, str]) -> None:
    flight = _flight(api, pilot)
    finding = world.event(
        flight_id=flight, camera_id=None, zone=None, plate=None, violation_type="rooftop_structure"
    )
    world.event()
    found = api.get(f"/flights/{flight}/findings", headers=pilot).json()
    assert [f["id"] for f in found] == [finding]
    assert api.get(f"/flights/{flight}/findings", headers=world.headers("r", "reviewer")).status_code == 200
    integrator = world.headers("i", "integrator")
    assert api.post("/flights", json={"flown_on": "2026-05-01"}, headers=integrator).status_code == 403
    assert (
        api.post(
            "/flights", json={"flown_on": "2026-05-01", "survey_area_id": 999}, headers=pilot
        ).status_code
        == 404
    )
    assert api.get("/flights/999", headers=pilot).status_code == 404


@pytest.mark.slow
def test_resume_after_a_chunk_cut_off_mid_transfer(server: str, world: ApiWorld) -> None:
    import httpx

    user = world.user("zhao.fei", "drone_operator")
    headers = {"Authorization": f"Bearer {world.token(user)}"}
    with httpx.Client(base_url=server, headers=headers, timeout=10) as client:
        created = client.post("/flights", json={"flown_on": "2026-05-01"})
        assert created.status_code == 201, (created.status_code, created.text)
        flight = created.json()["id"]
        declared = client.post(
            f"/flights/{flight}/uploads",
            json={
                "filename": "DJI_0002.MP4",
                "kind": "video",
                "size_bytes": len(MP4),
                "sha256": hashlib.sha256(MP4).hexdigest(),
            },
        )
        assert declared.status_code == 201, (declared.status_code, declared.text)
        upload = declared.json()["id"]
        first = 10_000
        assert client.patch(
            f"/uploads/{upload}", content=MP4[:first], headers={"Upload-Offset": "0"}
        ).is_success
        # second chunk: announce 20,000 bytes, send 7,000, drop the connection
        host, port = urlsplit(server).hostname, urlsplit(server).port
        with socket.create_connection((host, port)) as raw:
            raw.sendall(
                (
                    f"PATCH /uploads/{upload} HTTP/1.1\r\nHost: {host}\r\n"
                    f"Authorization: {headers['Authorization']}\r\nUpload-Offset: {first}\r\n"
                    "Content-Type: application/offset+octet-stream\r\nContent-Length: 20000\r\n\r\n"
                ).encode()
                + MP4[first : first + 7000]
            )
            time.sleep(0.3)
        time.sleep(0.5)
        assert client.head(f"/uploads/{upload}").headers["upload-offset"] == str(first)
        rest = client.patch(f"/uploads/{upload}", content=MP4[first:], headers={"Upload-Offset": str(first)})
        assert rest.status_code == 200 and rest.json()["status"] == "complete"
    stored = world.tmp / "up" / "flights" / str(flight) / "DJI_0002.MP4"
    assert stored.read_bytes() == MP4
    with world.factory() as s:
        assert s.scalars(select(DroneUpload.status)).one() == "complete"
