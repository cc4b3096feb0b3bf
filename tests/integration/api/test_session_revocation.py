"""A password change, a disable (even when undone) or a role change ends the user's login sessions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry
from tests.integration.api.review_fixtures import PASSWORD, ApiWorld

NEW_PASSWORD = "a brand new passphrase"


def login(api: TestClient, password: str = PASSWORD) -> dict[str, str]:
    response = api.post("/auth/login", json={"username": "li.wei", "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(api: TestClient, headers: dict[str, str]) -> int:
    return api.get("/auth/me", headers=headers).status_code


@pytest.mark.parametrize(
    ("changes", "new_password"),
    [
        ([{"password": NEW_PASSWORD}], NEW_PASSWORD),
        ([{"is_active": False}, {"is_active": True}], PASSWORD),
        ([{"role": "integrator"}], PASSWORD),
    ],
    ids=["password-change", "disable-and-re-enable", "role-change"],
)
def test_admin_change_ends_old_sessions(
    api: TestClient, world: ApiWorld, changes: list[dict[str, object]], new_password: str
) -> None:
    admin = world.headers("root", "admin")
    user = world.user("li.wei", "reviewer")
    old = login(api)
    older = {"Authorization": f"Bearer {world.token(user)}"}  # a second session, e.g. another browser
    assert me(api, old) == 200 and me(api, older) == 200
    for change in changes:
        assert api.patch(f"/users/{user.id}", json=change, headers=admin).status_code == 200
    assert me(api, old) == 401 and me(api, older) == 401
    assert api.get("/events", headers=old).status_code == 401
    if new_password != PASSWORD:
        assert api.post("/auth/login", json={"username": "li.wei", "password": PASSWORD}).status_code == 401
    fresh = login(api, new_password)
    assert me(api, fresh) == 200 and me(api, old) == 401
    with world.factory() as s:
        updates = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).all()
    assert updates[0].detail["sessions"] == "ended"
    assert all(NEW_PASSWORD not in str(u.detail) for u in updates)


def test_other_changes_keep_sessions(api: TestClient, world: ApiWorld) -> None:
    admin = world.headers("root", "admin")
    user = world.user("li.wei", "reviewer")
    old = login(api)
    for change in ({"display_name": "李伟"}, {"role": "reviewer"}, {"is_active": True}):
        assert api.patch(f"/users/{user.id}", json=change, headers=admin).status_code == 200
    assert me(api, old) == 200


def test_api_keys_survive_a_password_change(api: TestClient, world: ApiWorld) -> None:
    """API keys are machine credentials revoked one by one; a password change leaves them working."""
    admin = world.headers("root", "admin")
    user = world.user("li.wei", "reviewer")
    key, _ = world.api_key(user)
    assert api.patch(f"/users/{user.id}", json={"password": NEW_PASSWORD}, headers=admin).status_code == 200
    assert api.get("/auth/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
