"""Size limits: oversize bodies get 413 before they are read, oversize camera fields a 422 naming the
field, and nothing oversize is stored (GET /cameras stays small)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import ApiWorld, make_client
from tests.integration.api.test_camera_admin import CAMERA

HUGE = "街" * (20 * 1024**2 // 3)  # a 20 MB name (UTF-8)


@pytest.fixture
def integrator(world: ApiWorld) -> dict[str, str]:
    return world.headers("wang.gong", "integrator")


def test_a_20_mb_camera_name_is_refused_and_listing_stays_small(
    api: TestClient, world: ApiWorld, integrator: dict[str, str]
) -> None:
    response = api.post("/cameras", json={**CAMERA, "name": HUGE}, headers=integrator)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "request body too large: the limit is 1048576 bytes (ENFORCE_MAX_BODY_BYTES)"
    )
    assert api.post("/cameras", json=CAMERA, headers=integrator).status_code == 201
    assert api.patch("/cameras/renmin-03", json={"name": HUGE}, headers=integrator).status_code == 413

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 512 * 1024
        yield b'"}'

    streamed = api.patch(
        "/cameras/renmin-03", content=chunked(), headers={**integrator, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413 and "ENFORCE_MAX_BODY_BYTES" in streamed.text
    listing = api.get("/cameras", headers=integrator)
    assert listing.status_code == 200 and len(listing.content) < 16 * 1024
    assert [c["name"] for c in listing.json() if c["id"] == "renmin-03"] == [CAMERA["name"]]


@pytest.fixture
def roomy_api(world: ApiWorld) -> Iterator[TestClient]:
    """A body limit far above the field limits, so that the field limits themselves answer."""
    with make_client(world, max_body_bytes=64 * 1024**2) as client:
        yield client


ZONE = CAMERA["zones"][0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": HUGE}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"id": "a" * 64}, "id"),
        ({"source": "rtsp://10.0.0.5/" + "x" * 2048}, "source"),
        ({"timezone": "T" * 65}, "timezone"),
        ({"location": {**CAMERA["location"], "address": "a" * 501}}, "location.address"),  # type: ignore[dict-item]
        ({"location": {**CAMERA["location"], "grid_code": "1" * 65}}, "location.grid_code"),  # type: ignore[dict-item]
        ({"location": {**CAMERA["location"], "responsible_unit": "u" * 201}}, "location.responsible_unit"),  # type: ignore[dict-item]
        ({"detectors": ["street"] * 17}, "detectors"),
        ({"detectors": ["d" * 65]}, "detectors.0"),
        ({"zones": [{**ZONE, "name": f"z{i}"} for i in range(65)]}, "zones"),
        ({"zones": [{**ZONE, "name": "z" * 81}]}, "zones.0.no_parking.name"),
        ({"zones": [{**ZONE, "polygon": [[0.1, 0.1]] * 65}]}, "zones.0.no_parking.polygon"),
        ({"zones": [{**ZONE, "active_hours": ["07:00-08:00"] * 25}]}, "zones.0.no_parking.active_hours"),
    ],
)
def test_every_camera_string_and_list_is_bounded(
    roomy_api: TestClient, integrator: dict[str, str], changes: dict[str, object], field: str
) -> None:
    response = roomy_api.post("/cameras", json={**CAMERA, **changes}, headers=integrator)
    assert response.status_code == 422, response.text[:500]
    problems = response.json()["detail"]
    assert any(p.startswith(f"{field}: ") and "at most" in p for p in problems), problems
    assert len(response.content) < 4096  # the refusal does not echo the oversize value
    assert roomy_api.get("/cameras", headers=integrator).json()[0]["id"] == "gate-7"


def test_zone_list_and_patch_fields_are_bounded(
    roomy_api: TestClient, integrator: dict[str, str]
) -> None:
    assert roomy_api.post("/cameras", json=CAMERA, headers=integrator).status_code == 201
    zones = [{**ZONE, "name": f"z{i}"} for i in range(65)]
    too_many = roomy_api.put("/cameras/renmin-03/zones", json=zones, headers=integrator)
    assert too_many.status_code == 422 and "at most 64" in too_many.text
    long_name = roomy_api.patch("/cameras/renmin-03", json={"name": HUGE}, headers=integrator)
    assert long_name.status_code == 422 and "at most 200" in long_name.text
    assert len(long_name.content) < 4096


def test_upload_chunks_keep_their_own_limit(world: ApiWorld) -> None:
    """Upload chunks stream past the body limit (they have ENFORCE_MAX_CHUNK_BYTES); other bodies do not."""
    from tests.integration.api.test_drone_uploads import MP4, _chunk, _declare, _flight

    pilot = world.headers("zhao.fei", "drone_operator")
    with make_client(world, max_body_bytes=1024) as api:
        flight = _flight(api, pilot)
        upload = _declare(api, pilot, flight, "DJI_0001.MP4", "video", MP4)
        assert len(MP4) > 1024 and _chunk(api, pilot, upload, 0, MP4).json()["status"] == "complete"
        padded = api.post("/flights", json={"flown_on": "2026-05-01", "pad": "x" * 2048}, headers=pilot)
        assert padded.status_code == 413
