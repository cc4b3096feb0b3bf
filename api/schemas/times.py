"""Times in queries: RFC 3339 with a UTC offset, nothing looser (no Unix numbers, no naive times)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)$")
EXAMPLE = "2026-05-01T08:00:00+08:00"


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError(f"must be an RFC 3339 date-time with a UTC offset, e.g. {EXAMPLE}")
    return value


QueryTime = Annotated[
    datetime,
    BeforeValidator(_rfc3339),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": [EXAMPLE]}),
]
