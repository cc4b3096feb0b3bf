"""Failed logins are throttled per address, per (address, name) and per name, and never lock a user out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry
from tests.integration.api.review_fixtures import PASSWORD, ApiWorld, make_client

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
BAD = "guess-guess-guess"


def from_address(api: TestClient, address: str) -> TestClient:
    """A client on the same running app whose requests come from `address`."""
    return TestClient(api.app, client=(address, 40000))


def login(client: TestClient, password: str, username: str = "li.wei") -> tuple[int, str | None]:
    response = client.post("/auth/login", json={"username": username, "password": password})
    return response.status_code, response.headers.get("retry-after")


def test_attacker_address_cannot_lock_out_the_user(api: TestClient, world: ApiWorld) -> None:
    world.user("li.wei", "reviewer")
    attacker = from_address(api, ATTACKER)
    answers = [login(attacker, BAD) for _ in range(30)]
    assert [code for code, _ in answers[:5]] == [401] * 5
    assert all(code == 429 and retry is not None and int(retry) >= 1 for code, retry in answers[5:]), answers
    # the owner, from their own machine, with the right password: in at once
    assert login(from_address(api, OWNER), PASSWORD) == (200, None)
    with world.factory() as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert len(failed) == 5  # refused (429) attempts are not guesses: nothing checked, nothing counted
    assert all(e.target_id == "li.wei" and e.detail["client"] == ATTACKER for e in failed)
    assert all(BAD not in str(e.detail) and PASSWORD not in str(e.detail) for e in failed)


def test_backoff_expires_and_doubles(api: TestClient, world: ApiWorld) -> None:
    world.user("li.wei", "reviewer")
    attacker = from_address(api, ATTACKER)
    assert [login(attacker, BAD)[0] for _ in range(5)] == [401] * 5
    waits = []
    for _ in range(3):
        code, retry = login(attacker, BAD)
        assert code == 429 and retry is not None
        waits.append(int(retry))
        world.clock.advance(int(retry) - 0.5)
        assert login(attacker, BAD)[0] == 429  # not yet
        world.clock.advance(0.5)
        assert login(attacker, BAD)[0] == 401  # the wait is over: checked (and wrong) again
    assert waits == [1, 2, 4]
    world.clock.advance(8)
    assert login(attacker, PASSWORD)[0] == 200  # e.g. the owner mistyping: after the wait, in


def test_guessing_network_only_slows_the_name(api: TestClient, world: ApiWorld) -> None:
    """Many addresses, one bad guess each: the name is held back only for addresses that failed on it."""
    world.user("li.wei", "reviewer")
    bots = [from_address(api, f"192.0.2.{i}") for i in range(1, 13)]
    assert [login(bot, BAD)[0] for bot in bots] == [401] * 12
    code, retry = login(bots[0], PASSWORD)  # an address that failed for this name waits for the name
    assert code == 429 and retry is not None and 1 <= int(retry) <= 60
    assert login(from_address(api, OWNER), PASSWORD)[0] == 200  # an address with no failures does not
    assert login(bots[0], PASSWORD)[0] == 200  # and the owner's success lifts the name's slow-down


def test_one_address_guessing_many_names_is_held_back(api: TestClient, world: ApiWorld) -> None:
    world.user("li.wei", "reviewer")
    attacker = from_address(api, ATTACKER)
    assert [login(attacker, BAD, f"user{i}")[0] for i in range(20)] == [401] * 20
    code, retry = login(attacker, PASSWORD, "li.wei")
    assert code == 429 and retry == "1"
    assert login(from_address(api, OWNER), PASSWORD)[0] == 200


@pytest.fixture
def behind_proxy(world: ApiWorld) -> Iterator[TestClient]:
    with make_client(world, trusted_proxies=["testclient"]) as client:
        yield client


def test_trusted_proxy_forwarded_address_is_the_client(behind_proxy: TestClient, api: TestClient,
                                                       world: ApiWorld) -> None:
    world.user("li.wei", "reviewer")

    def via_proxy(address: str, password: str) -> int:
        headers = {"X-Forwarded-For": f"10.9.9.9, {address}"}  # the proxy appends the real peer last
        body = {"username": "li.wei", "password": password}
        return behind_proxy.post("/auth/login", json=body, headers=headers).status_code

    assert [via_proxy(ATTACKER, BAD) for _ in range(6)] == [401] * 5 + [429]
    assert via_proxy(OWNER, PASSWORD) == 200  # the same proxy, another client behind it
    # from an untrusted peer the header is ignored: it cannot pick a fresh address for each guess
    untrusted = from_address(api, "203.0.113.99")
    statuses = [untrusted.post("/auth/login", json={"username": "li.wei", "password": BAD},
                               headers={"X-Forwarded-For": f"192.0.2.{200 + i}"}).status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
