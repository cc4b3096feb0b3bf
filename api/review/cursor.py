"""Opaque keyset cursors: base64 of the sort key of the last row of a page."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime


class BadCursor(ValueError):
    pass


def encode(at: datetime, row_id: str | int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, row_id = raw.split("|", 1)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("cursor is not one this API gave out") from None
    if at.tzinfo is None or not row_id:
        raise BadCursor("cursor is not one this API gave out")
    return at, row_id
