"""Fixtures for the review API tests (the app runs its own migrations and seeding)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import CONFIG, ApiWorld, make_client, make_world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[ApiWorld]:
    w = make_world(database_url, tmp_path)
    yield w
    w.factory.kw["bind"].dispose()


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    with make_client(world) as client:
        yield client


@pytest.fixture
def server(world: ApiWorld) -> Iterator[str]:
    """A real uvicorn serving the app on a port the OS picks (no race with other processes for it)."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    config = world.tmp / "cameras.yaml"
    config.write_text(CONFIG)
    settings = Settings(config=config, database_url=world.database_url, evidence_dir=world.tmp / "evidence",
                        upload_dir=world.tmp / "up", signing_key=world.tmp / "keys" / "signing.key")
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
