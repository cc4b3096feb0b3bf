"""Drone operators open what a flight found: the registered before/after crops of the earlier and the
later flight, the structure's position and area. Only the files of that finding's signed record are
served, and every access is audited like a reviewer's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import audit
from api.auth.deps import NowDep, require_role
from api.db.models import DroneFindingRow, Event, EvidenceRecordRow, Flight, SurveyArea, User
from api.deps import SessionDep, SettingsDep
from api.export.describe import record_place
from api.review.evidence import EvidenceError, load_bundle
from api.routes.common import AUTH_RESPONSES
from api.routes.evidence_files import media_response
from api.schemas.ids import IdPath

router = APIRouter(tags=["drone"])
DroneReader = Annotated[User, Depends(require_role("drone_operator", "reviewer"))]
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such flight or finding"}}
COMPARED = ("before", "after", "before_full", "after_full")  # vision/change/violation.py's photo roles


class FindingPhoto(BaseModel):
    role: str = Field(description="before / after (registered crops of the same place), before_full / after_full")
    url: str = Field(description="The original, unmarked pixels")
    annotated_url: str = Field(description="The copy with the structure marked and the burned-in banner")
    captured_at: datetime
    width: int
    height: int


class FindingDetail(BaseModel):
    event_id: str
    flight_id: int
    status: str
    survey_area: str | None
    flown_on: str | None = Field(description="The later flight's date")
    baseline_flight_id: str | None
    flight_dates: list[str] = Field(description="Dates of the earlier and the later flight")
    lat: float | None
    lon: float | None
    area_m2: float | None
    registration_quality: float | None
    confirmed_at: datetime
    timezone: str | None
    photos: list[FindingPhoto] = Field(description="before, after, before_full, after_full, as recorded")
    evidence_error: str | None = Field(default=None, description="Why the signed record could not be read")


def _finding_event(session: SessionDep, flight_id: int, event_id: str) -> Event:
    if session.get(Flight, flight_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} not found")
    event = session.get(Event, event_id)
    if event is None or event.flight_id != flight_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} has no finding {event_id!r}")
    return event


def _record_row(session: SessionDep, event: Event) -> EvidenceRecordRow:
    row = session.get(EvidenceRecordRow, event.evidence_record_id) if event.evidence_record_id else None
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"finding {event.id} has no evidence record")
    return row


def _finding_row(session: SessionDep, event: Event) -> DroneFindingRow | None:
    prefix = f"flight:{event.flight_id}:structure:"
    if not event.episode_key or not event.episode_key.startswith(prefix):
        return None
    return session.scalar(
        select(DroneFindingRow).where(
            DroneFindingRow.flight_id == event.flight_id,
            DroneFindingRow.finding_key == event.episode_key[len(prefix) :],
        )
    )


@router.get(
    "/flights/{flight_id}/findings/{event_id}",
    response_model=FindingDetail,
    responses={**AUTH_RESPONSES, **_404},
)
def get_finding(
    flight_id: IdPath,
    event_id: str,
    user: DroneReader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> FindingDetail:
    """One finding of the flight: the before/after crops, position and area (from its signed record,
    else from the change-detection row)."""
    event = _finding_event(session, flight_id, event_id)
    flight = session.get_one(Flight, flight_id)
    area = session.get(SurveyArea, flight.survey_area_id) if flight.survey_area_id else None
    record: dict[str, Any] = {}
    error = None
    try:
        record = load_bundle(settings.evidence_dir, _record_row(session, event)).record
    except (EvidenceError, HTTPException) as exc:
        error = str(exc.detail)
    place = record_place(record)
    row = _finding_row(session, event)
    details = record.get("details") if isinstance(record.get("details"), dict) else {}
    assert isinstance(details, dict)
    base = f"/flights/{flight_id}/findings/{event.id}/media/"
    photos = [
        FindingPhoto(
            role=p["role"],
            url=base + p["original"],
            annotated_url=base + p["annotated"],
            captured_at=p["captured_at"],
            width=p["width"],
            height=p["height"],
        )
        for p in record.get("photos") or []
        if isinstance(p, dict) and p.get("role") in COMPARED
    ]
    photos.sort(key=lambda p: COMPARED.index(p.role))
    audit.record(session, user, "finding.view", "event", event.id, now)
    quality = details.get("registration_quality")
    return FindingDetail(
        event_id=event.id,
        flight_id=flight_id,
        status=event.status,
        survey_area=area.name if area else event.zone_name,
        flown_on=flight.flown_on.isoformat(),
        baseline_flight_id=details.get("baseline_flight_id")
        or (str(row.baseline_flight_id) if row and row.baseline_flight_id else None),
        flight_dates=[str(d) for d in details.get("flight_dates") or []],
        lat=place.lat if place.lat is not None else (row.lat if row else None),
        lon=place.lon if place.lon is not None else (row.lon if row else None),
        area_m2=place.area_m2 if place.area_m2 is not None else (row.area_m2 if row else None),
        registration_quality=float(quality)
        if isinstance(quality, int | float)
        else (row.registration_quality if row else None),
        confirmed_at=event.confirmed_at,
        timezone=place.timezone,
        photos=photos,
        evidence_error=error,
    )


@router.get(
    "/flights/{flight_id}/findings/{event_id}/media/{file_path:path}",
    response_class=FileResponse,
    responses={**AUTH_RESPONSES, **_404, 200: {"content": {"image/png": {}, "image/jpeg": {}}}},
)
def get_finding_media(
    flight_id: IdPath,
    event_id: str,
    file_path: str,
    user: DroneReader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> FileResponse:
    """One file of the finding's signed record, by its path in the manifest; audited."""
    event = _finding_event(session, flight_id, event_id)
    bundle = load_bundle(settings.evidence_dir, _record_row(session, event))
    return media_response(session, user, now, event.id, bundle, file_path)
