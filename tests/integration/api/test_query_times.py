"""Query times are RFC 3339 with a UTC offset: a number such as `until=0.5` is not a date."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import ApiWorld


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("0.5", 422),
        ("1714550400", 422),
        ("2026-05-01T08:00:00", 422),  # no offset
        ("2026-05-01", 422),
        ("2026-05-01T08:00:00+08:00", 200),
        ("2026-05-01T00:00:00.5Z", 200),
    ],
)
def test_until_must_be_a_date_time_with_offset(
    api: TestClient, world: ApiWorld, value: str, status: int
) -> None:
    admin = world.headers("root", "admin")
    for path in ("/events", "/exports/cases", "/audit"):
        response = api.get(path, params={"until": value}, headers=admin)
        assert response.status_code == status, (path, response.text)
        if status == 422:
            assert "until" in response.text and "UTC offset" in response.text


def test_unknown_or_repeated_query_parameters_are_named(api: TestClient, world: ApiWorld) -> None:
    admin = world.headers("root", "admin")
    typo = api.get("/events", params={"camera": "gate-7"}, headers=admin)  # camera_id was meant
    assert typo.status_code == 422
    [problem] = typo.json()["detail"]
    assert problem["loc"] == ["query", "camera"] and "camera_id" in problem["msg"]
    twice = api.get("/flights?survey_area_id=1&survey_area_id=2", headers=admin)
    assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["query", "survey_area_id"]
    assert api.get("/events", params={"camera_id": "gate-7"}, headers=admin).status_code == 200
