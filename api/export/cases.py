"""The case record handed to the digital city-management case system, as JSON or CSV rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.db.models import Camera, Event, EvidenceRecordRow, Flight, Review, SurveyArea, User
from api.export.describe import DEFAULT_TIMEZONE, describe, local_iso, record_place
from api.review.evidence import EvidenceError, load_bundle
from vision.violations.base import CaseCodes

CASE_FIELDS = (
    "event_id",
    "violation_type",
    "case_major",
    "case_minor",
    "case_major_name",
    "case_minor_name",
    "description",
    "status",
    "camera_id",
    "flight_id",
    "zone_name",
    "address",
    "grid_code",
    "responsible_unit",
    "lat",
    "lon",
    "area_m2",
    "plate_text",
    "timezone",
    "first_seen_local",
    "confirmed_local",
    "decided_local",
    "first_seen_at",
    "confirmed_at",
    "decided_at",
    "reviewer_id",
    "reviewer_name",
    "evidence_record_id",
    "evidence_zip_url",
    "photo_urls",
)


class CasePublic(BaseModel):
    event_id: str = Field(examples=["01JAB3C4D5E6F7G8H9J0K1M2N3"])
    violation_type: str = Field(examples=["illegal_parking"])
    case_major: str = Field(description="Case-system category code 大类 (ENFORCE_CASE_CODES)", examples=["05"])
    case_minor: str = Field(description="Case-system category code 小类 (ENFORCE_CASE_CODES)", examples=["0510"])
    case_major_name: str = Field(default="", examples=["街面秩序"])
    case_minor_name: str = Field(default="", examples=["违章停放"])
    description: str = Field(default="", description="问题描述, in Chinese, in the camera's local time")
    status: str = Field(examples=["approved"])
    camera_id: str | None
    flight_id: int | None
    zone_name: str | None
    address: str | None = Field(examples=["人民路 128号 东侧"])
    grid_code: str | None = Field(description="网格编码", examples=["330102001003"])
    responsible_unit: str | None
    lat: float | None
    lon: float | None
    area_m2: float | None = Field(default=None, description="Rooftop findings: the structure's area")
    plate_text: str | None
    timezone: str = Field(default=DEFAULT_TIMEZONE, description="The camera's (or record's) zone")
    first_seen_local: str | None = Field(default=None, examples=["2026-05-01T09:02:03+08:00"])
    confirmed_local: str | None = Field(default=None, examples=["2026-05-01T09:07:03+08:00"])
    decided_local: str | None = None
    first_seen_at: datetime
    confirmed_at: datetime
    decided_at: datetime | None
    reviewer_id: int | None
    reviewer_name: str | None = Field(default=None, description="The approving reviewer's display name")
    evidence_record_id: str | None
    evidence_zip_url: str | None = Field(description="Authorised ZIP of the evidence bundle")
    photo_urls: list[str] = Field(default_factory=list, description="Authorised links to each original photo")


CodesOf = Callable[[str], CaseCodes]  # violation type -> its case-system codes (Settings.case_codes_for)


def case_of(
    event: Event,
    camera: Camera | None,
    reviewer: User | None,
    base_url: str,
    codes_of: CodesOf,
    record: dict[str, Any] | None = None,
    area: SurveyArea | None = None,
) -> CasePublic:
    """The case as the case system receives it; `record` is the event's signed record (its place,
    position and photos), where it could be read. A drone finding is filed under its survey area's
    address, grid and unit (where the area names them), at the finding's own position."""
    base = base_url.rstrip("/")
    codes = codes_of(event.violation_type)
    record = record or {}
    found = record_place(record)
    if area is not None:
        found = replace(
            found,
            address=area.address or found.address,
            grid_code=area.grid_code or found.grid_code,
            responsible_unit=area.responsible_unit or found.responsible_unit,
        )
    timezone = (camera.timezone if camera else None) or found.timezone or DEFAULT_TIMEZONE
    address = camera.address if camera else found.address
    confirmed_local = local_iso(event.confirmed_at, timezone)
    photos = [p for p in record.get("photos") or [] if isinstance(p, dict) and isinstance(p.get("original"), str)]
    return CasePublic(
        event_id=event.id,
        violation_type=event.violation_type,
        case_major=codes.major,
        case_minor=codes.minor,
        case_major_name=codes.major_name,
        case_minor_name=codes.minor_name,
        description=describe(
            event.violation_type, confirmed_local, address, event.zone_name, event.plate_text, record
        ),
        status=event.status,
        camera_id=event.camera_id,
        flight_id=event.flight_id,
        zone_name=event.zone_name,
        address=address,
        grid_code=camera.grid_code if camera else found.grid_code,
        responsible_unit=camera.responsible_unit if camera else found.responsible_unit,
        lat=camera.lat if camera else found.lat,
        lon=camera.lon if camera else found.lon,
        area_m2=found.area_m2,
        plate_text=event.plate_text,
        timezone=timezone,
        first_seen_local=local_iso(event.first_seen_at, timezone),
        confirmed_local=confirmed_local,
        decided_local=local_iso(event.decided_at, timezone),
        first_seen_at=event.first_seen_at,
        confirmed_at=event.confirmed_at,
        decided_at=event.decided_at,
        reviewer_id=reviewer.id if reviewer else None,
        reviewer_name=(reviewer.display_name or reviewer.username) if reviewer else None,
        evidence_record_id=event.evidence_record_id,
        evidence_zip_url=f"{base}/events/{event.id}/evidence.zip" if event.evidence_record_id else None,
        photo_urls=[f"{base}/events/{event.id}/media/{p['original']}" for p in photos],
    )


def survey_area_of(session: Session, event: Event) -> SurveyArea | None:
    """The survey area of a drone finding's flight (None for camera events or an area-less flight)."""
    if event.flight_id is None:
        return None
    flight = session.get(Flight, event.flight_id)
    return session.get(SurveyArea, flight.survey_area_id) if flight and flight.survey_area_id else None


def event_record(session: Session, evidence_dir: Path, event: Event) -> dict[str, Any]:
    """The record part of the event's signed manifest; empty where there is none or it cannot be read."""
    row = session.get(EvidenceRecordRow, event.evidence_record_id) if event.evidence_record_id else None
    if row is None:
        return {}
    try:
        return load_bundle(evidence_dir, row).record
    except EvidenceError:
        return {}


def approved_cases_query(
    since: datetime | None, until: datetime | None
) -> Select[Event, Camera]:
    query = (
        select(Event, Camera)
        .outerjoin(Camera, Camera.id == Event.camera_id)
        .where(Event.status == "approved")
        .order_by(Event.decided_at, Event.id)
    )
    if since is not None:
        query = query.where(Event.decided_at >= since)
    if until is not None:
        query = query.where(Event.decided_at < until)
    return query


def approved_cases(
    session: Session,
    since: datetime | None,
    until: datetime | None,
    base_url: str,
    limit: int,
    codes_of: CodesOf,
    evidence_dir: Path,
) -> list[CasePublic]:
    rows = list(session.execute(approved_cases_query(since, until).limit(limit)))
    ids = [event.id for event, _ in rows]
    approvers: dict[str, User] = {}
    if ids:
        for review, user in session.execute(
            select(Review, User)
            .join(User, User.id == Review.reviewer_id)
            .where(Review.event_id.in_(ids), Review.decision == "approve")
            .order_by(Review.id)
        ):
            approvers[review.event_id] = user
    return [
        case_of(
            event,
            camera,
            approvers.get(event.id),
            base_url,
            codes_of,
            event_record(session, evidence_dir, event),
            survey_area_of(session, event),
        )
        for event, camera in rows
    ]


def cases_csv(cases: list[CasePublic]) -> str:
    """CSV with a UTF-8 byte-order mark, so that Excel on Chinese Windows reads it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CASE_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for case in cases:
        row = case.model_dump(mode="json")
        writer.writerow({k: _cell(row[k]) for k in CASE_FIELDS})
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_no_formula(str(v)) for v in value)
    return _no_formula(str(value))


def _no_formula(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and not _is_number(value) else value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
