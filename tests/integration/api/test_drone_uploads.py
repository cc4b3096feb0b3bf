"""Drone operators: flights, resumable chunked uploads, content and checksum checks, status and findings."""

from __future__ import annotations

import hashlib
import socket
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import DroneUpload
from tests.integration.api.review_fixtures import ApiWorld
from tests.support.footage import tiny_mp4

MP4 = tiny_mp4()
SRT = (
    '1\n00:00:00,000 --> 00:00:00,033\n<font size="28">FrameCnt: 1, DiffTime: 33ms\n2026-03-01 10:00:00.000\n'
    "[latitude: 30.27] [longitude: 120.15] [rel_alt: 80.000 abs_alt: 92.000] "
    "[gb_yaw : 90.0 gb_pitch : -90.0 gb_roll : 0.0] </font>\n"
)


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


def _area_flight(api: TestClient, pilot: dict[str, str]) -> int:
    polygon = [[30.0, 120.0], [30.0, 120.01], [30.01, 120.01]]
    area = api.post("/survey-areas", json={"name": "block-a", "polygon": polygon}, headers=pilot)
    assert area.status_code == 201, area.text
    response = api.post("/flights", json={"flown_on": "2026-05-01", "survey_area_id": area.json()["id"]},
                        headers=pilot)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _send(api: TestClient, pilot: dict[str, str], upload: str, data: bytes) -> dict[str, object]:
    response = _chunk(api, pilot, upload, 0, data)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_after_a_checksum_rejection_the_file_is_declared_again_and_the_flight_processes(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _area_flight(api, pilot)
    bad = api.post(f"/flights/{flight}/uploads", headers=pilot,
                   json={"filename": "b.mp4", "kind": "video", "size_bytes": len(MP4), "sha256": "1" * 64}).json()
    assert _chunk(api, pilot, bad["id"], 0, MP4).status_code == 422
    assert not (world.tmp / "uploads" / "partial" / f"{bad['id']}.part").exists()
    good = _declare(api, pilot, flight, "b.mp4", "video", MP4)
    assert _send(api, pilot, good, MP4)["status"] == "complete"
    assert [u["id"] for u in api.get(f"/flights/{flight}", headers=pilot).json()["uploads"]] == [good]
    assert api.get(f"/uploads/{bad['id']}", headers=pilot).status_code == 404
    processed = api.post(f"/flights/{flight}/process", headers=pilot)
    assert processed.status_code == 202, processed.text


def test_after_a_type_rejection_the_file_is_declared_again_and_the_flight_processes(
    api: TestClient, pilot: dict[str, str]
) -> None:
    flight = _area_flight(api, pilot)
    text = ("notes, not a video\n" * 60).encode()
    wrong = _declare(api, pilot, flight, "c.mp4", "video", text)
    refused = _chunk(api, pilot, wrong, 0, text)
    assert refused.status_code == 415 and "declare 'c.mp4' again" in refused.json()["detail"]
    shown = api.get(f"/uploads/{wrong}", headers=pilot).json()
    assert shown["status"] == "rejected" and "plain text" in shown["detail"]
    blocked = api.post(f"/flights/{flight}/process", headers=pilot)
    assert blocked.status_code == 409 and f"'c.mp4' (rejected, upload {wrong})" in blocked.json()["detail"]
    again = _declare(api, pilot, flight, "c.mp4", "video", MP4)
    assert _send(api, pilot, again, MP4)["status"] == "complete"
    assert api.post(f"/flights/{flight}/process", headers=pilot).status_code == 202


def test_a_truncated_mp4_is_rejected_at_completion_and_its_name_can_be_sent_again(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _flight(api, pilot)
    cut = MP4[: len(MP4) * 2 // 3]  # header and index intact, the last frames missing
    upload = _declare(api, pilot, flight, "DJI_0003.MP4", "video", cut)
    assert _chunk(api, pilot, upload, 0, cut[:20_000]).status_code == 200  # the head looks like an MP4
    refused = _chunk(api, pilot, upload, 20_000, cut[20_000:])
    assert refused.status_code == 422, refused.text
    assert "'DJI_0003.MP4' is incomplete" in refused.json()["detail"]
    assert str(world.tmp) not in refused.text
    assert api.get(f"/uploads/{upload}", headers=pilot).json()["status"] == "rejected"
    assert not (world.tmp / "uploads" / "flights" / str(flight) / "DJI_0003.MP4").exists()
    again = _declare(api, pilot, flight, "DJI_0003.MP4", "video", MP4)
    assert _send(api, pilot, again, MP4)["status"] == "complete"
    assert (world.tmp / "uploads" / "flights" / str(flight) / "DJI_0003.MP4").read_bytes() == MP4


@pytest.mark.parametrize(
    ("name", "kind", "data", "error"),
    [
        ("t.srt", "srt", SRT.encode()[: len(SRT) // 2], "t.srt:1:"),
        ("p.jpg", "still", b"\xff\xd8\xff\xe0" + b"\x00" * 700, "cannot be decoded as a photo"),
    ],
)
def test_incomplete_telemetry_and_photos_are_rejected(
    api: TestClient, pilot: dict[str, str], name: str, kind: str, data: bytes, error: str
) -> None:
    flight = _flight(api, pilot)
    upload = _declare(api, pilot, flight, name, kind, data)
    refused = _chunk(api, pilot, upload, 0, data)
    assert refused.status_code == 422 and error in refused.json()["detail"], refused.text


def test_cancel_frees_the_name_and_removes_the_received_bytes(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _area_flight(api, pilot)
    upload = _declare(api, pilot, flight, "d.mp4", "video", MP4)
    assert _chunk(api, pilot, upload, 0, MP4[:5000]).status_code == 200
    part = world.tmp / "uploads" / "partial" / f"{upload}.part"
    assert part.exists()
    assert api.delete(f"/uploads/{upload}", headers=pilot).status_code == 204
    assert not part.exists() and api.get(f"/uploads/{upload}", headers=pilot).status_code == 404
    assert api.delete(f"/uploads/{upload}", headers=pilot).status_code == 404
    assert api.post(f"/flights/{flight}/process", headers=pilot).status_code == 409  # nothing left
    done = _declare(api, pilot, flight, "d.mp4", "video", MP4)
    assert _send(api, pilot, done, MP4)["status"] == "complete"
    assert api.post(f"/flights/{flight}/process", headers=pilot).status_code == 202
    busy = api.delete(f"/uploads/{done}", headers=pilot)
    assert busy.status_code == 409 and "is queued" in busy.json()["detail"]
    assert api.delete(f"/uploads/{done}", headers=world.headers("r", "reviewer")).status_code == 403


def test_replace_restarts_an_upload_with_a_new_checksum(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    flight = _flight(api, pilot)
    old = tiny_mp4(seed=1)
    upload = _declare(api, pilot, flight, "e.mp4", "video", old)
    assert _send(api, pilot, upload, old)["status"] == "complete"
    replaced = api.put(f"/uploads/{upload}", headers=pilot,
                       json={"size_bytes": len(MP4), "sha256": hashlib.sha256(MP4).hexdigest()})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["status"] == "uploading" and replaced.json()["bytes_received"] == 0
    assert not (world.tmp / "uploads" / "flights" / str(flight) / "e.mp4").exists()
    assert _send(api, pilot, upload, MP4)["status"] == "complete"
    assert (world.tmp / "uploads" / "flights" / str(flight) / "e.mp4").read_bytes() == MP4
    bad = api.put(f"/uploads/{upload}", headers=pilot, json={"size_bytes": 10, "sha256": "x"})
    assert bad.status_code == 422 and "sha256" in bad.text


def test_a_name_declared_twice_is_409_and_the_database_refuses_a_second_row(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    from sqlalchemy.exc import IntegrityError

    from api.db.base import utcnow

    flight = _flight(api, pilot)
    first = _declare(api, pilot, flight, "f.mp4", "video", MP4)
    second = api.post(f"/flights/{flight}/uploads", headers=pilot, json={
        "filename": "f.mp4", "kind": "video", "size_bytes": 10, "sha256": "0" * 64})
    assert second.status_code == 409
    assert f"'f.mp4' is already upload {first} of flight {flight} (uploading)" in second.json()["detail"]
    with world.factory() as s, pytest.raises(IntegrityError):
        s.add(DroneUpload(id="X" * 26, flight_id=flight, filename="f.mp4", kind="video", size_bytes=1,
                          sha256="0" * 64, bytes_received=0, status="uploading", created_at=utcnow()))
        s.commit()


@pytest.mark.slow
def test_concurrent_declarations_of_one_name_make_one_upload(server: str, world: ApiWorld) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    headers = {"Authorization": f"Bearer {world.token(world.user('zhao.fei', 'drone_operator'))}"}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
        flight = client.post("/flights", json={"flown_on": "2026-05-01"}).json()["id"]
    body = {"filename": "g.mp4", "kind": "video", "size_bytes": len(MP4), "sha256": hashlib.sha256(MP4).hexdigest()}
    start = threading.Barrier(8)

    def declare(_: int) -> int:
        with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
            start.wait()
            return client.post(f"/flights/{flight}/uploads", json=body).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(declare, range(8)))
    assert codes == [201] + [409] * 7
    with world.factory() as s:
        [first] = s.scalars(select(DroneUpload).where(DroneUpload.flight_id == flight)).all()
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:  # refused: not a video
        assert client.patch(f"/uploads/{first.id}", content=bytes(len(MP4)), headers={"Upload-Offset": "0"}
                            ).status_code == 415
    with ThreadPoolExecutor(8) as pool:  # the refused name declared again, eight times at once
        codes = sorted(pool.map(declare, range(8)))
    assert codes == [201] + [409] * 7
    with world.factory() as s:
        [second] = s.scalars(select(DroneUpload).where(DroneUpload.flight_id == flight)).all()
    assert second.id != first.id and second.status == "uploading"


def test_flight_status_names_files_not_server_folders(
    api: TestClient, world: ApiWorld, pilot: dict[str, str]
) -> None:
    from api.drone_jobs import DroneJobRunner

    flight = _area_flight(api, pilot)  # nothing uploaded: the job names the flight's folder
    runner = DroneJobRunner(world.factory, world.tmp / "uploads")
    assert runner.process(flight).status == "failed"
    detail = api.get(f"/flights/{flight}", headers=pilot).json()["status_detail"]
    assert detail == f"the uploads of flight {flight}: no footage uploaded for this flight"


@pytest.mark.slow
def test_concurrent_cancels_and_chunks_of_one_upload_give_no_server_error(server: str, world: ApiWorld) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    headers = {"Authorization": f"Bearer {world.token(world.user('zhao.fei', 'drone_operator'))}"}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
        flight = client.post("/flights", json={"flown_on": "2026-05-01"}).json()["id"]
        upload = client.post(f"/flights/{flight}/uploads", json={
            "filename": "h.mp4", "kind": "video", "size_bytes": len(MP4),
            "sha256": hashlib.sha256(MP4).hexdigest()}).json()["id"]
    start = threading.Barrier(8)

    def act(i: int) -> int:
        with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
            start.wait()
            if i % 2:
                return client.delete(f"/uploads/{upload}").status_code
            return client.patch(f"/uploads/{upload}", content=MP4[:4096], headers={"Upload-Offset": "0"}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(act, range(8)))
    assert max(codes) < 500, codes
    assert [codes[i] for i in range(1, 8, 2)].count(204) == 1, codes
    assert not (world.tmp / "up" / "partial" / f"{upload}.part").exists()
