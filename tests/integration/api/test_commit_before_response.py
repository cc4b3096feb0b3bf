"""A client that got 201 can read what it created at once: the session commits before the response."""

from __future__ import annotations

import httpx

from tests.integration.api.review_fixtures import ApiWorld


def test_created_rows_are_visible_to_the_next_request(server: str, world: ApiWorld) -> None:
    pilot = world.user("zhao.fei", "drone_operator")
    headers = {"Authorization": f"Bearer {world.token(pilot)}"}
    misses = []
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
        for _ in range(60):
            flight = client.post("/flights", json={"flown_on": "2026-05-01"}).json()["id"]
            if client.get(f"/flights/{flight}").status_code != 200:
                misses.append(flight)
    assert misses == []
