"""Fixtures for the review API tests (the app runs its own migrations and seeding)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import CONFIG, ApiWorld, make_client, make_world

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[ApiWorld]:
    w = make_world(database_url, tmp_path)
    yield w
    w.factory.kw["bind"].dispose()


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    with make_client(world) as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(world: ApiWorld) -> Iterator[str]:
    config = world.tmp / "cameras.yaml"
    config.write_text(CONFIG)
    port = free_port()
    env = {
        **os.environ,
        "ENFORCE_DATABASE_URL": world.database_url,
        "ENFORCE_CONFIG": str(config),
        "ENFORCE_EVIDENCE_DIR": str(world.tmp / "evidence"),
        "ENFORCE_UPLOAD_DIR": str(world.tmp / "up"),
        "PYTHONPATH": str(REPO),
    }
    log = (world.tmp / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {(world.tmp / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)
        log.close()
