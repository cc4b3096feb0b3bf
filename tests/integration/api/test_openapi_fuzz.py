"""Schemathesis against the running app's own OpenAPI: no request, however odd, gets a 5xx."""

from __future__ import annotations

import pytest

from tests.integration.api.review_fixtures import ApiWorld

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 10
SKIP = {("POST", "/auth/logout")}  # would revoke the fuzzer's own token


def test_no_server_errors(server: str, world: ApiWorld) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error

    admin = world.user("root", "admin")
    headers = {"Authorization": f"Bearer {world.token(admin, ttl_s=3600)}"}
    world.event(evidence=True)
    world.event(status="approved")
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIP:
            continue

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=server, headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:200]}")
            case.validate_response(response, checks=[not_a_server_error])

        try:
            check()
        except BaseException as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            name = f"{operation.method.upper()} {operation.path}"
            failures.append(f"{name}: {type(exc).__name__}: {exc!s:.300}")
    assert not failures, "\n".join(failures)
