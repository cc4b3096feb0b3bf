"""Pieces the route modules share: the documented auth answers, the detection-time filters and the
time-zone check on times."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query, status

from api.schemas.times import QueryTime

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not authenticated"},
    403: {"description": "Role not allowed"},
}

# A case list's window on the detection time (check both with `require_offset`).
ConfirmedSince = Annotated[QueryTime | None, Query(description="confirmed_at >= since")]
ConfirmedUntil = Annotated[QueryTime | None, Query(description="confirmed_at < until")]

MaybeTime = TypeVar("MaybeTime", datetime, datetime | None)


def require_offset(value: MaybeTime, name: str) -> MaybeTime:
    """A query time must say its UTC offset: a naive one would be read in the server's zone."""
    if value is not None and value.tzinfo is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"{name} must carry a UTC offset, e.g. 2026-05-01T08:00:00+08:00",
        )
    return value
