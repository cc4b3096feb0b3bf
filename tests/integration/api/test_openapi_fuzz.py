"""Schemathesis, every check (`--checks all`), against the app's own OpenAPI on SQLite and PostgreSQL:
no request, however odd, gets a 5xx, and every answer is one the document states (status, headers,
body schema, content type), positive and negative examples alike; plus 405 answers name what is allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.review_fixtures import ApiWorld, make_client

pytestmark = pytest.mark.slow
EXAMPLES = {"positive": 4, "negative": 3}  # per operation; about a minute per database on 2 cores
SKIP = {("POST", "/auth/logout")}  # would revoke the fuzzer's own token
# Operations whose input has rules JSON Schema cannot state, so a schema-valid request may rightly get a
# 422: an opaque cursor the API signed (a random string is never one), a camera checked by the cameras-file
# rules (known detector names, zone geometry), a baseline flight that must lie over the area. Every other
# check still runs on them; only `positive_data_acceptance` is left out.
BEYOND_SCHEMA = {
    ("GET", "/events"), ("GET", "/reviews"), ("GET", "/audit"), ("GET", "/webhooks/deliveries"),
    ("GET", "/exports/cases"), ("POST", "/cameras"), ("PUT", "/cameras/{camera_id}"),
    ("PATCH", "/cameras/{camera_id}"), ("PUT", "/cameras/{camera_id}/zones"),
    ("PUT", "/survey-areas/{area_id}/baseline"),
}


@pytest.fixture
def fuzzed_app(world: ApiWorld) -> Iterator[TestClient]:
    with make_client(world) as client:
        world.event(evidence=True)
        world.event(status="approved")
        yield client


def test_every_check_passes_on_every_operation(fuzzed_app: TestClient, world: ApiWorld) -> None:
    import schemathesis
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import CHECKS, load_all_checks
    from schemathesis.generation import GenerationMode

    load_all_checks()
    every_check = CHECKS.get_all()
    lenient = [c for c in every_check if c.__name__ != "positive_data_acceptance"]
    assert len(every_check) >= 14 and len(lenient) == len(every_check) - 1
    headers = {"Authorization": f"Bearer {world.token(world.user('root', 'admin'), ttl_s=3600)}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45
    failures: list[str] = []
    for operation in operations:
        key = (operation.method.upper(), operation.path)
        if key in SKIP:
            continue
        checks = lenient if key in BEYOND_SCHEMA else every_check
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, checks)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (no parameters, no body)
            except BaseException as exc:  # noqa: BLE001 - collect every operation's failure, then report all
                failures.append(f"{key[0]} {key[1]} ({mode.value}): {exc!s:.600}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, mode: Any, headers: dict[str, str], checks: list[Any]) -> None:
    """Call one operation with bounded generated examples and run the given checks on every answer."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(max_examples=EXAMPLES[mode.value], deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


def test_405_names_every_method_the_path_allows(fuzzed_app: TestClient) -> None:
    spec = fuzzed_app.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        concrete = path.replace("{", "").replace("}", "")  # any value fits every path parameter here
        documented = {m.upper() for m in operations}
        unused = next(m for m in ("DELETE", "PUT", "PATCH", "POST", "GET") if m not in documented)
        response = fuzzed_app.request(unused, concrete)
        assert response.status_code == 405, (unused, path, response.status_code)
        allowed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
        assert allowed == documented, (unused, path, allowed, documented)
