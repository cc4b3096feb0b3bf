"""Database errors: a unique-constraint race is 409 naming the field, a refused write is 503 and shows
in /health, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from tests.integration.api.review_fixtures import PASSWORD, ApiWorld

CAMERA = {
    "name": "race cam",
    "source": "rtsp://10.0.0.9/live",
    "location": {"lat": 30, "lon": 120, "address": "a", "grid_code": "g", "responsible_unit": "u"},
}
AREA = {"polygon": [[30.0, 120.0], [30.001, 120.0], [30.001, 120.001]]}


def race(base_url: str, path: str, body: dict[str, Any], headers: dict[str, str], n: int) -> list[httpx.Response]:
    """`n` threads send the same create at the same moment (each on its own open connection)."""
    barrier = threading.Barrier(n)
    answers: list[httpx.Response | None] = [None] * n

    def send(i: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
            client.get("/health")  # connect before the barrier
            barrier.wait()
            answers[i] = client.post(path, json=body)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert all(a is not None for a in answers), "a request did not finish"
    return [a for a in answers if a is not None]


@pytest.mark.parametrize(
    ("path", "role", "field", "make_body"),
    [
        ("/cameras", "integrator", "id", lambda key: {**CAMERA, "id": f"cam-{key}"}),
        ("/survey-areas", "drone_operator", "name", lambda key: {**AREA, "name": f"area {key}"}),
    ],
    ids=["camera-id", "survey-area-name"],
)
def test_concurrent_duplicate_creates_give_one_201_and_409s(
    server: str, world: ApiWorld, path: str, role: str, field: str, make_body: Any
) -> None:
    headers = world.headers("maker", role)
    n = 8
    for _ in range(3):
        answers = race(server, path, make_body(uuid.uuid4().hex[:8]), headers, n)
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] + [409] * (n - 1), [(a.status_code, a.text[:200]) for a in answers]
        for conflict in (a for a in answers if a.status_code == 409):
            assert f" {field} " in conflict.json()["detail"] or f".{field} " in conflict.json()["detail"], conflict.text


@contextmanager
def writes_refused(app: FastAPI, database_url: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """The database keeps answering reads but refuses every write, as after a failover to a standby or
    on a read-only disk. SQLite: its read-only mode on every new connection (the tests run as root, so
    a read-only file would not stop writes). PostgreSQL: the database's transactions default to read
    only and the server ends the app's connections (the pool reconnects)."""
    engine = app.state.engine
    if database_url.startswith("sqlite"):

        def read_only(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only=ON")

        event.listen(engine, "connect", read_only)
        engine.dispose()
        try:
            yield
        finally:
            event.remove(engine, "connect", read_only)
            engine.dispose()
        return
    admin = request.getfixturevalue("postgres_server").engine
    name = make_url(database_url).database

    def set_read_only(on: bool) -> None:
        with admin.connect() as conn:
            setting = "SET default_transaction_read_only = on" if on else "RESET default_transaction_read_only"
            conn.execute(text(f'ALTER DATABASE "{name}" {setting}'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})

    set_read_only(True)
    try:
        yield
    finally:
        set_read_only(False)


def test_refused_writes_give_503_and_a_degraded_health(
    api: TestClient, world: ApiWorld, database_url: str, request: pytest.FixtureRequest
) -> None:
    user = world.user("li.wei", "reviewer")
    admin = world.headers("root", "admin")
    assert api.get("/health").json() == {**api.get("/health").json(), "status": "ok", "database_write": "ok"}
    with writes_refused(api.app, database_url, request):
        health = api.get("/health")
        assert health.status_code == 503
        assert health.json() | {"version": ""} == {
            "status": "degraded", "version": "", "database": "ok", "database_write": "failing"}
        for password in (PASSWORD, "wrong password"):
            refused = api.post("/auth/login", json={"username": "li.wei", "password": password})
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"] == "5" and "retry" in refused.json()["detail"]
        created = api.post("/cameras", json={**CAMERA, "id": "cam-ro"}, headers=admin)
        assert created.status_code == 503 and created.headers["retry-after"]
        assert "INSERT" not in created.text and "cam-ro" not in created.text  # no SQL, no values
        renamed = api.patch(f"/users/{user.id}", json={"display_name": "Li"}, headers=admin)
        assert renamed.status_code == 503, renamed.text  # a write that fails only at the final commit
        assert api.get("/cameras", headers=admin).status_code == 200  # reads still work
    assert api.get("/health").status_code == 200
    assert api.post("/auth/login", json={"username": "li.wei", "password": PASSWORD}).status_code == 200
    assert api.post("/cameras", json={**CAMERA, "id": "cam-ro"}, headers=admin).status_code == 201


def test_conflicts_are_described_without_values(session_factory: Any) -> None:
    """Real constraint violations of each backend, described by table and field only."""
    from sqlalchemy.exc import IntegrityError

    from api.db.models import ApiKey, User
    from api.routes.db_errors import describe_conflict

    def violation(*rows: object) -> IntegrityError:
        with session_factory() as session:
            session.add_all(rows)
            with pytest.raises(IntegrityError) as caught:
                session.flush()
            return caught.value

    with session_factory.begin() as session:
        session.add(User(username="li.wei", role="reviewer"))
    unique = describe_conflict(violation(User(username="li.wei", role="admin")))
    assert (unique.kind, unique.table, unique.columns) == ("unique", "users", ("username",))
    assert unique.message().startswith("conflict: a user with this username already exists (users.username")
    assert "li.wei" not in unique.message()
    dangling = violation(ApiKey(user_id=999_999, prefix="abcd1234", key_hash="secret-hash"))
    described = describe_conflict(dangling)
    assert described.kind == "foreign key" and "secret-hash" not in described.message()
    if described.table is not None:  # PostgreSQL names it; SQLite only says "FOREIGN KEY constraint failed"
        assert (described.table, described.columns) == ("api_keys", ("user_id",))
