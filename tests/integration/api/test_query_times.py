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
