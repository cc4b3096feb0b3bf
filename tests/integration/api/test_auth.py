"""Logins, API keys and role boundaries: no token is 401, the wrong role is 403."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import ApiKey, AuditEntry, LoginSession
from tests.integration.api.review_fixtures import PASSWORD, ApiWorld


def test_health_stays_open(api: TestClient) -> None:
    assert api.get("/health").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events"),
        ("get", "/cameras"),
        ("post", "/cameras"),
        ("get", "/users"),
        ("get", "/audit"),
        ("post", "/flights"),
        ("get", "/exports/cases"),
        ("post", "/events/x/decision"),
        ("get", "/auth/me"),
    ],
)
def test_no_token_is_401(api: TestClient, method: str, path: str) -> None:
    response = api.request(method, path, json={})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


def test_garbage_token_is_401(api: TestClient) -> None:
    for token in ("nonsense", "enf_12345678_wrong", "enf_"):
        assert api.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


CAMERA = {
    "id": "new-cam",
    "name": "n",
    "source": "rtsp://10.0.0.9/live",
    "location": {"lat": 30, "lon": 120, "address": "a", "grid_code": "g", "responsible_unit": "u"},
}


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("reviewer", "post", "/cameras", CAMERA),  # a reviewer cannot register cameras
        ("reviewer", "post", "/flights", {"flown_on": "2026-05-01"}),
        ("reviewer", "get", "/users", None),
        ("reviewer", "post", "/events/{event}/reopen", {"note": "appeal"}),  # reopening needs an admin
        (
            "integrator",
            "post",
            "/events/{event}/decision",
            {"decision": "approve"},
        ),  # an integrator cannot decide
        ("integrator", "get", "/events", None),
        ("integrator", "get", "/audit", None),
        ("drone_operator", "post", "/cameras", CAMERA),
        ("drone_operator", "post", "/events/{event}/claim", None),
        ("drone_operator", "get", "/exports/cases", None),
    ],
)
def test_wrong_role_is_403(
    api: TestClient, world: ApiWorld, role: str, method: str, path: str, body: dict[str, object] | None
) -> None:
    event_id = world.event(status="approved" if path.endswith("reopen") else "pending")
    response = api.request(method, path.format(event=event_id), json=body, headers=world.headers("u1", role))
    assert response.status_code == 403, response.text
    assert role in response.json()["detail"]


def test_admin_passes_role_checks(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("root", "admin")
    assert api.get("/events", headers=headers).status_code == 200
    assert api.post("/cameras", json=CAMERA, headers=headers).status_code == 201


def test_password_login_gives_expiring_token(api: TestClient, world: ApiWorld) -> None:
    world.user("li.wei", "reviewer")
    assert (
        api.post("/auth/login", json={"username": "li.wei", "password": "wrong password"}).status_code == 401
    )
    assert api.post("/auth/login", json={"username": "nobody", "password": PASSWORD}).status_code == 401
    response = api.post("/auth/login", json={"username": "li.wei", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert api.get("/auth/me", headers=headers).json()["username"] == "li.wei"
    with world.factory() as s:  # only the hash is stored
        stored = s.scalars(select(LoginSession.token_hash)).all()
        assert body["access_token"] not in stored and len(stored) == 1
        actions = s.scalars(select(AuditEntry.action)).all()
        assert "auth.login_failed" in actions and "auth.login" in actions
    world.clock.advance(8 * 3600 + 1)  # default lifetime is 8 h
    assert api.get("/auth/me", headers=headers).status_code == 401


def test_logout_revokes_token(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    assert api.post("/auth/logout", headers=headers).status_code == 204
    assert api.get("/auth/me", headers=headers).status_code == 401


def test_disabled_user_is_locked_out(api: TestClient, world: ApiWorld) -> None:
    admin = world.headers("root", "admin")
    user = world.user("li.wei", "reviewer")
    headers = {"Authorization": f"Bearer {world.token(user)}"}
    assert api.patch(f"/users/{user.id}", json={"is_active": False}, headers=admin).status_code == 200
    assert api.get("/auth/me", headers=headers).status_code == 401
    assert api.post("/auth/login", json={"username": "li.wei", "password": PASSWORD}).status_code == 401


def test_api_key_shown_once_stored_hashed_and_revocable(api: TestClient, world: ApiWorld) -> None:
    admin = world.headers("root", "admin")
    bot = api.post("/users", json={"username": "case-sync", "role": "reviewer"}, headers=admin).json()
    created = api.post(f"/users/{bot['id']}/api-keys", json={"name": "sync"}, headers=admin)
    assert created.status_code == 201
    key, prefix = created.json()["key"], created.json()["prefix"]
    assert key.startswith(f"enf_{prefix}_")
    listing = api.get("/api-keys", headers=admin)
    assert prefix in listing.text and key not in listing.text
    with world.factory() as s:
        row = s.scalars(select(ApiKey)).one()
        assert row.key_hash != key and key not in row.key_hash
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/events", headers=headers).status_code == 200
    assert api.get("/users", headers=headers).status_code == 403
    wrong = key[:-3] + ("AAA" if not key.endswith("AAA") else "BBB")
    assert api.get("/events", headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
    assert api.delete(f"/api-keys/{created.json()['id']}", headers=admin).json()["revoked_at"]
    assert api.get("/events", headers=headers).status_code == 401


def test_admin_creates_users_and_sees_audit(api: TestClient, world: ApiWorld) -> None:
    admin = world.headers("root", "admin")
    response = api.post(
        "/users", json={"username": "li.wei", "role": "reviewer", "password": "short"}, headers=admin
    )
    assert response.status_code == 422 and "password" in response.text
    assert (
        api.post(
            "/users", json={"username": "li.wei", "role": "reviewer", "password": PASSWORD}, headers=admin
        ).status_code
        == 201
    )
    assert api.post("/users", json={"username": "li.wei", "role": "admin"}, headers=admin).status_code == 409
    assert api.post("/auth/login", json={"username": "li.wei", "password": PASSWORD}).status_code == 200
    page = api.get("/audit", params={"action": "user.create"}, headers=admin).json()
    assert [e["actor"] for e in page["items"]] == ["root"]
    everything = api.get("/audit", params={"limit": 1}, headers=admin).json()
    assert everything["next_cursor"]
    older = api.get("/audit", params={"limit": 1, "cursor": everything["next_cursor"]}, headers=admin).json()
    assert older["items"][0]["id"] < everything["items"][0]["id"]


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("post", "/auth/login", {"json": {"username": "a\x00b", "password": "x"}}),
    ("get", "/events", {"params": {"plate": "A\x00"}}),
    ("get", "/events/a%00b", {}),
    ("post", "/users", {"json": {"username": "ab", "role": "reviewer", "display_name": "x\x00y"}}),
])
def test_nul_characters_are_bad_input_not_server_errors(api: TestClient, world: ApiWorld, method: str,
                                                        path: str, kwargs: dict[str, object]) -> None:
    response = api.request(method, path, headers=world.headers("root", "admin"), **kwargs)  # type: ignore[arg-type]
    assert response.status_code < 500, response.text  # SQLite stores NUL; PostgreSQL refuses it: 422
