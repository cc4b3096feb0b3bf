"""GET /kinds lists every registered kind as the registry declares it; reasons and case codes follow it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.settings import Settings
from tests.integration.api.review_fixtures import ApiWorld, make_client
from vision.violations import registry


def test_kinds_list_every_registered_kind(api: TestClient, world: ApiWorld) -> None:
    assert api.get("/kinds").status_code == 401
    response = api.get("/kinds", headers=world.headers("rita", "reviewer"))
    assert response.status_code == 200, response.text
    kinds = {k["type"]: k for k in response.json()}
    assert list(kinds) == [k.type for k in registry.KINDS]
    parking = kinds["illegal_parking"]
    assert parking["zone_kind"] == "no_parking" and parking["names"] == {"zh": "违法停车", "en": "illegal parking"}
    assert set(parking["params_schema"]["properties"]) == {"dwell_seconds", "photo_interval_seconds"}
    assert parking["params_schema"]["required"] == ["dwell_seconds"]
    assert parking["evidence"]["needs_plate"] is True and parking["evidence"]["min_photos"] == 3
    assert [r["code"] for r in parking["reject_reasons"]][:2] == ["not_a_violation", "exempt_vehicle"]
    assert parking["case_codes"]["major"] == registry.kind_of("illegal_parking").case_codes.major
    barbecue = kinds["open_barbecue"]
    assert barbecue["evidence"]["face_crops"] is False and barbecue["evidence"]["needs_plate"] is False
    assert "exempt_vehicle" not in [r["code"] for r in barbecue["reject_reasons"]]
    rooftop = kinds["rooftop_structure"]
    assert rooftop["source"] == "drone" and rooftop["zone_kind"] is None and rooftop["params_schema"] is None


def test_configured_case_codes_replace_the_defaults(world: ApiWorld) -> None:
    codes = {"open_barbecue": {"major": "A1", "minor": "A1-07", "minor_name": "烧烤"}}
    with make_client(world, case_codes=codes) as client:
        kinds = {k["type"]: k for k in client.get("/kinds", headers=world.headers("rita", "reviewer")).json()}
    assert kinds["open_barbecue"]["case_codes"] == {
        "major": "A1", "minor": "A1-07", "major_name": "", "minor_name": "烧烤"
    }
    assert kinds["mud_truck"]["case_codes"]["major"] == registry.kind_of("mud_truck").case_codes.major


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        ({"street_juggling": {"major": "1", "minor": "2"}}, "unknown violation type 'street_juggling'"),
        ({"mud_truck": {"major": "1"}}, "minor"),
        ({"mud_truck": {"major": "1 OR 1", "minor": "2"}}, "major"),
        ({"mud_truck": {"major": "1", "minor": "2", "colour": "red"}}, "colour"),
    ],
)
def test_bad_case_codes_are_refused_at_start(codes: dict[str, object], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        Settings(case_codes=codes)  # type: ignore[arg-type]


def test_a_reject_reason_must_belong_to_the_events_kind(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("rita", "reviewer")
    barbecue = world.event(violation_type="open_barbecue", plate=None)
    refused = api.post(
        f"/events/{barbecue}/decision", json={"decision": "reject", "reason_code": "exempt_vehicle"}, headers=headers
    )
    assert refused.status_code == 422 and "does not apply to open_barbecue" in refused.text
    accepted = api.post(
        f"/events/{barbecue}/decision", json={"decision": "reject", "reason_code": "licensed_premises"},
        headers=headers,
    )
    assert accepted.status_code == 201, accepted.text
    parking = world.event()
    assert api.post(
        f"/events/{parking}/decision", json={"decision": "reject", "reason_code": "exempt_vehicle"}, headers=headers
    ).status_code == 201
