"""The case record handed to the digital city-management case system, as JSON or CSV rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.db.models import Camera, Event, Review
from vision.violations.base import CaseCodes

CASE_FIELDS = (
    "event_id",
    "violation_type",
    "case_major",
    "case_minor",
    "status",
    "camera_id",
    "flight_id",
    "zone_name",
    "address",
    "grid_code",
    "responsible_unit",
    "lat",
    "lon",
    "plate_text",
    "first_seen_at",
    "confirmed_at",
    "decided_at",
    "reviewer_id",
    "evidence_record_id",
    "evidence_zip_url",
)


class CasePublic(BaseModel):
    event_id: str = Field(examples=["01JAB3C4D5E6F7G8H9J0K1M2N3"])
    violation_type: str = Field(examples=["illegal_parking"])
    case_major: str = Field(description="Case-system category code 大类 (ENFORCE_CASE_CODES)", examples=["05"])
    case_minor: str = Field(description="Case-system category code 小类 (ENFORCE_CASE_CODES)", examples=["0510"])
    status: str = Field(examples=["approved"])
    camera_id: str | None
    flight_id: int | None
    zone_name: str | None
    address: str | None = Field(examples=["人民路 128号 东侧"])
    grid_code: str | None = Field(description="网格编码", examples=["330102001003"])
    responsible_unit: str | None
    lat: float | None
    lon: float | None
    plate_text: str | None
    first_seen_at: datetime
    confirmed_at: datetime
    decided_at: datetime | None
    reviewer_id: int | None
    evidence_record_id: str | None
    evidence_zip_url: str | None = Field(description="Authorised ZIP of the evidence bundle")


CodesOf = Callable[[str], CaseCodes]  # violation type -> its case-system codes (Settings.case_codes_for)


def case_of(
    event: Event, camera: Camera | None, reviewer_id: int | None, base_url: str, codes_of: CodesOf
) -> CasePublic:
    base = base_url.rstrip("/")
    codes = codes_of(event.violation_type)
    return CasePublic(
        event_id=event.id,
        violation_type=event.violation_type,
        case_major=codes.major,
        case_minor=codes.minor,
        status=event.status,
        camera_id=event.camera_id,
        flight_id=event.flight_id,
        zone_name=event.zone_name,
        address=camera.address if camera else None,
        grid_code=camera.grid_code if camera else None,
        responsible_unit=camera.responsible_unit if camera else None,
        lat=camera.lat if camera else None,
        lon=camera.lon if camera else None,
        plate_text=event.plate_text,
        first_seen_at=event.first_seen_at,
        confirmed_at=event.confirmed_at,
        decided_at=event.decided_at,
        reviewer_id=reviewer_id,
        evidence_record_id=event.evidence_record_id,
        evidence_zip_url=f"{base}/events/{event.id}/evidence.zip" if event.evidence_record_id else None,
    )


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
) -> list[CasePublic]:
    rows = list(session.execute(approved_cases_query(since, until).limit(limit)))
    ids = [event.id for event, _ in rows]
    approvers: dict[str, int] = {}
    if ids:
        for review in session.scalars(
            select(Review).where(Review.event_id.in_(ids), Review.decision == "approve").order_by(Review.id)
        ):
            approvers[review.event_id] = review.reviewer_id
    return [case_of(event, camera, approvers.get(event.id), base_url, codes_of) for event, camera in rows]


def cases_csv(cases: list[CasePublic]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CASE_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for case in cases:
        row = case.model_dump(mode="json")
        writer.writerow({k: "" if row[k] is None else _no_formula(str(row[k])) for k in CASE_FIELDS})
    return buffer.getvalue()


def _no_formula(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and not _is_number(value) else value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
