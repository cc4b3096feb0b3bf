"""Drone operators: flights, processing status and findings; the footage uploads are in drone_uploads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from api import audit
from api.auth.deps import DroneUser, NowDep, require_role
from api.db.models import DroneUpload, Event, Flight, SurveyArea, User
from api.deps import SessionDep
from api.routes import drone_findings, drone_uploads
from api.routes.common import AUTH_RESPONSES
from api.routes.drone_uploads import UploadPublic
from api.schemas.event import EventPublic
from api.schemas.ids import MAX_ID, IdPath, IdQuery
from api.uploads.paths import hide_paths

router = APIRouter(tags=["drone"])
DroneReader = Annotated[User, Depends(require_role("drone_operator", "reviewer"))]
_404: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}}


class FlightCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"survey_area_id": 1, "flown_on": "2026-05-01"}]}
    )

    survey_area_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Survey area flown over")
    flown_on: date


class FlightPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    survey_area_id: int | None
    flown_on: date
    status: str
    progress: float
    status_detail: str | None
    created_by: int | None
    created_at: datetime

    @field_validator("status_detail")
    @classmethod
    def _no_server_paths(cls, value: str | None) -> str | None:
        return hide_paths(value) if value else value


class FlightDetail(FlightPublic):
    uploads: list[UploadPublic]


def _flight_or_404(session: SessionDep, flight_id: int) -> Flight:
    flight = session.get(Flight, flight_id)
    if flight is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} not found")
    return flight


@router.post("/flights", response_model=FlightPublic, status_code=201, responses={**AUTH_RESPONSES, **_404})
def create_flight(body: FlightCreate, user: DroneUser, session: SessionDep, now: NowDep) -> FlightPublic:
    if body.survey_area_id is not None and session.get(SurveyArea, body.survey_area_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"survey area {body.survey_area_id} not found")
    flight = Flight(
        survey_area_id=body.survey_area_id,
        flown_on=body.flown_on,
        status="created",
        progress=0.0,
        created_by=user.id,
        created_at=now,
    )
    session.add(flight)
    session.flush()
    audit.record(session, user, "flight.create", "flight", flight.id, now)
    return FlightPublic.model_validate(flight)


@router.post(
    "/flights/{flight_id}/process",
    response_model=FlightPublic,
    status_code=202,
    responses={**AUTH_RESPONSES, **_404, 409: {"description": "Uploads unfinished or no survey area"}},
)
def process_flight(flight_id: IdPath, user: DroneUser, session: SessionDep, now: NowDep) -> FlightPublic:
    """Queue the flight for processing once all its uploads are complete (idempotent: a rerun adds
    no duplicate findings)."""
    flight = _flight_or_404(session, flight_id)
    uploads = list(session.scalars(select(DroneUpload).where(DroneUpload.flight_id == flight_id)))
    if not uploads:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"flight {flight_id} has no uploads")
    unfinished = [u for u in uploads if u.status != "complete"]
    if unfinished:
        listed = ", ".join(f"{u.filename!r} ({u.status}, upload {u.id})" for u in unfinished[:10])
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"flight {flight_id} has unfinished uploads: {listed}; finish, replace (PUT /uploads/ID) "
            "or cancel (DELETE /uploads/ID) them first",
        )
    if flight.survey_area_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"flight {flight_id} has no survey area")
    if flight.status in ("queued", "processing"):
        return FlightPublic.model_validate(flight)
    flight.status, flight.progress, flight.status_detail = "queued", 0.0, "waiting to be processed"
    audit.record(session, user, "flight.process", "flight", flight.id, now)
    return FlightPublic.model_validate(flight)


@router.get("/flights", response_model=list[FlightPublic], responses=AUTH_RESPONSES)
def list_flights(
    user: DroneReader, session: SessionDep, survey_area_id: IdQuery = None
) -> list[FlightPublic]:
    query = select(Flight).order_by(Flight.id.desc()).limit(500)
    if survey_area_id is not None:
        query = query.where(Flight.survey_area_id == survey_area_id)
    return [FlightPublic.model_validate(f) for f in session.scalars(query)]


@router.get("/flights/{flight_id}", response_model=FlightDetail, responses={**AUTH_RESPONSES, **_404})
def get_flight(flight_id: IdPath, user: DroneReader, session: SessionDep) -> FlightDetail:
    """Processing status (status, progress, status_detail) and the flight's uploads."""
    flight = _flight_or_404(session, flight_id)
    uploads = session.scalars(
        select(DroneUpload)
        .where(DroneUpload.flight_id == flight_id)
        .order_by(DroneUpload.created_at, DroneUpload.id)
    )
    return FlightDetail(
        **FlightPublic.model_validate(flight).model_dump(),
        uploads=[UploadPublic.model_validate(u) for u in uploads],
    )


@router.get("/flights/{flight_id}/findings", response_model=list[EventPublic], responses={**AUTH_RESPONSES, **_404})
def flight_findings(flight_id: IdPath, user: DroneReader, session: SessionDep) -> list[EventPublic]:
    """Events found in this flight's footage (e.g. new rooftop structures)."""
    _flight_or_404(session, flight_id)
    rows = session.scalars(
        select(Event).where(Event.flight_id == flight_id).order_by(Event.created_at, Event.id)
    )
    return [EventPublic.model_validate(e) for e in rows]


router.include_router(drone_uploads.router)
router.include_router(drone_findings.router)
