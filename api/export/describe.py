"""What a case says in words and local time: the camera's (or record's) zone, a one-line Chinese
description for the case system, and the place of a drone finding taken from its signed record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vision.violations import registry
from vision.violations.labels import label_names

DEFAULT_TIMEZONE = "Asia/Shanghai"
UNASSIGNED = "unassigned"  # what a flight's record says where survey areas name no grid or unit


def local_iso(at: datetime | None, timezone: str) -> str | None:
    """`at` in the zone, ISO 8601 with its offset (e.g. 2026-05-01T09:01:00+08:00)."""
    if at is None:
        return None
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return at.astimezone(zone).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RecordPlace:
    """The place and position a signed record gives (drone findings carry no camera)."""

    address: str | None = None
    grid_code: str | None = None
    responsible_unit: str | None = None
    lat: float | None = None
    lon: float | None = None
    area_m2: float | None = None
    timezone: str | None = None


def _known(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != UNASSIGNED else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def record_place(record: dict[str, Any]) -> RecordPlace:
    """The record's `place`, with a rooftop finding's own position and area from its details."""
    place = record.get("place") if isinstance(record.get("place"), dict) else {}
    details = record.get("details") if isinstance(record.get("details"), dict) else {}
    assert isinstance(place, dict) and isinstance(details, dict)
    lat = _number(details.get("lat"))
    lon = _number(details.get("lon"))
    return RecordPlace(
        address=_known(place.get("address")),
        grid_code=_known(place.get("grid_code")),
        responsible_unit=_known(place.get("responsible_unit")),
        lat=lat if lat is not None else _number(place.get("lat")),
        lon=lon if lon is not None else _number(place.get("lon")),
        area_m2=_number(details.get("area_m2")),
        timezone=_known(record.get("timezone")),
    )


def describe(
    violation_type: str,
    confirmed_local: str | None,
    address: str | None,
    zone_name: str | None,
    plate_text: str | None,
    record: dict[str, Any],
) -> str:
    """One sentence for the case system's 问题描述, in Chinese."""
    try:
        kind = registry.kind_of(violation_type).names.zh
    except registry.UnknownKind:
        kind = violation_type
    when = (confirmed_local or "")[:16].replace("T", " ")
    where = address or "未知地点"
    if zone_name:
        where += f"（{zone_name}）"
    parts = [f"{when} 于{where}发现{kind}"]
    if plate_text:
        parts.append(f"车牌 {plate_text}")
    details = record.get("details") if isinstance(record.get("details"), dict) else {}
    assert isinstance(details, dict)
    signs = details.get("mud_signs")
    if isinstance(signs, list) and signs:
        parts.append("、".join(label_names(str(s)).zh for s in signs))
    if isinstance(details.get("people_count"), int):
        parts.append(f"现场 {details['people_count']} 人")
    area = _number(details.get("area_m2"))
    if area is not None:
        parts.append(f"面积约 {area:.1f} 平方米")
    return "，".join(parts) + "。"
