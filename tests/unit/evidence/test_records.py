"""RecordContext rejects bad input with an error naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from evidence.synthetic import make_context


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown IANA timezone 'Mars/Olympus'"),
        ({"weights_sha256": "abc"}, "weights_sha256"),
        ({"device_id": "../etc"}, "path separators"),
        ({"device_kind": "flight", "device_id": "F-12"}, "flight's integer id"),
        ({"place": {"lat": 91, "lon": 0, "address": "a", "grid_code": "g", "responsible_unit": "u"}}, "lat"),
    ],
)
def test_bad_context_is_named(change: dict[str, Any], error: str) -> None:
    body = make_context().model_dump()
    body.update(change)
    with pytest.raises(ValidationError, match=error):
        type(make_context()).model_validate(body)


def test_flight_context_ok() -> None:
    body = make_context().model_dump() | {"device_kind": "flight", "device_id": "42"}
    assert type(make_context()).model_validate(body).device_id == "42"
