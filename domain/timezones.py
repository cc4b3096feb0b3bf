"""IANA time-zone names, checked where configuration and evidence records take them."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def verify_timezone(name: str) -> str:
    """`name` if it is a known IANA zone; otherwise a ValueError naming it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {name!r}, e.g. 'Asia/Shanghai'") from exc
    return name
