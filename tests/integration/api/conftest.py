"""Fixtures for the review API tests (the app runs its own migrations and seeding)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import ApiWorld, make_client, make_world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[ApiWorld]:
    w = make_world(database_url, tmp_path)
    yield w
    w.factory.kw["bind"].dispose()


@pytest.fixture
def api(world: ApiWorld) -> Iterator[TestClient]:
    with make_client(world) as client:
        yield client
