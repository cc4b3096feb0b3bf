"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the server on this machine (127.0.0.1:5432, trust auth) unless
ENFORCE_TEST_POSTGRES_URL names another. A run without a reachable server fails loudly;
set ENFORCE_TEST_SKIP_POSTGRES=1 to skip the PostgreSQL half on purpose.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("YOLO_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get(
    "ENFORCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SKIP_POSTGRES = os.environ.get("ENFORCE_TEST_SKIP_POSTGRES") == "1"
RUN_ID = uuid.uuid4().hex[:8]


class PostgresServer:
    """Creates throwaway databases for this test run and drops them afterwards."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.engine.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        self.created.append(name)
        return self.url_for(name)

    def drop_all(self) -> None:
        with self.engine.connect() as conn:
            for name in reversed(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if SKIP_POSTGRES:
        pytest.skip("ENFORCE_TEST_SKIP_POSTGRES=1: PostgreSQL half skipped on request")
    server = PostgresServer(POSTGRES_ADMIN_URL)
    try:
        with server.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect must stop the run
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({type(exc).__name__}: {exc}). "
            "Start it, point ENFORCE_TEST_POSTGRES_URL at one, or set ENFORCE_TEST_SKIP_POSTGRES=1.",
            pytrace=False,
        )
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One migrated database per backend, copied for each test (fast and isolated)."""
    return {}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
    migrated_templates: dict[str, object],
) -> str:
    """A fresh, fully migrated, empty database of each backend for one test."""
    from api.db.migrate import upgrade

    if request.param == "sqlite":
        template = migrated_templates.get("sqlite")
        if template is None:
            template = tmp_path_factory.mktemp("sqlite-template") / "template.db"
            upgrade(f"sqlite:///{template}")
            migrated_templates["sqlite"] = template
        target = tmp_path / "test.db"
        shutil.copyfile(str(template), target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template_name = migrated_templates.get("postgresql")
    if template_name is None:
        template_name = f"enforce_tmpl_{RUN_ID}"
        upgrade(server.create(template_name))
        migrated_templates["postgresql"] = template_name
    return server.create(f"enforce_t_{RUN_ID}_{uuid.uuid4().hex[:8]}", template=str(template_name))


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty (unmigrated) database; parametrised by the tests that use it."""
    backend = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    yield server.create(f"enforce_e_{RUN_ID}_{uuid.uuid4().hex[:8]}")


@pytest.fixture
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the fresh test database of each backend; the engine is disposed afterwards."""
    from api.db.base import make_engine, make_session_factory

    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()
