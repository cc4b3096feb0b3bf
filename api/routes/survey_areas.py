"""Survey areas (polygon + baseline flight), the flights over them and what was found."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from sqlalchemy import select

from api.auth.deps import DroneUser, require_role
from api.db.models import DroneFindingRow, DroneFrameReport, Flight, SurveyArea, User
from api.deps import SessionDep, SettingsDep
from api.drone_jobs import AreaMismatchError, check_flight_over_area, flight_folder, read_track, upload_root
from api.schemas.ids import IdPath
from api.schemas.survey_area import (
    BaselineUpdate,
    FindingPublic,
    FlightStatusPublic,
    FrameReportPublic,
    SurveyAreaCreate,
    SurveyAreaPublic,
)
from ingest.drone.errors import FootageError

router = APIRouter(prefix="/survey-areas", tags=["survey areas"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not authenticated"},
    403: {"description": "Role not allowed"},
    404: {"description": "No such survey area or flight"},
}
AreaReader = Annotated[User, Depends(require_role("drone_operator", "reviewer"))]


def _area(session: SessionDep, area_id: int) -> SurveyArea:
    area = session.get(SurveyArea, area_id)
    if area is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"survey area {area_id} not found")
    return area


@router.post(
    "",
    response_model=SurveyAreaPublic,
    status_code=201,
    responses={**NOT_FOUND, 409: {"description": "Name already used"}},
)
def create_area(body: SurveyAreaCreate, session: SessionDep, user: DroneUser) -> SurveyArea:
    if session.scalar(select(SurveyArea).where(SurveyArea.name == body.name)) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"survey area name {body.name!r} is taken")
    if body.baseline_flight_id is not None and session.get(Flight, body.baseline_flight_id) is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"flight {body.baseline_flight_id} not found"
        )
    area = SurveyArea(
        name=body.name,
        polygon=body.polygon,
        baseline_flight_id=body.baseline_flight_id,
        address=body.address,
        grid_code=body.grid_code,
        responsible_unit=body.responsible_unit,
    )
    session.add(area)
    session.flush()
    return area


@router.get("", response_model=list[SurveyAreaPublic], responses=NOT_FOUND)
def list_areas(session: SessionDep, user: AreaReader) -> list[SurveyArea]:
    return list(session.scalars(select(SurveyArea).order_by(SurveyArea.id)))


@router.get("/{area_id}", response_model=SurveyAreaPublic, responses=NOT_FOUND)
def get_area(area_id: IdPath, session: SessionDep, user: AreaReader) -> SurveyArea:
    return _area(session, area_id)


@router.put(
    "/{area_id}/baseline",
    response_model=SurveyAreaPublic,
    responses={**NOT_FOUND, 422: {"description": "The flight does not cover the area"}},
)
def set_baseline(
    area_id: IdPath,
    body: BaselineUpdate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: DroneUser,
) -> SurveyArea:
    """Make a flight the area's baseline; its footage (where uploaded) must lie over the area (by the
    `drone:` section's minimum coverage)."""
    area = _area(session, area_id)
    flight = session.get(Flight, body.flight_id)
    if flight is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"flight {body.flight_id} not found")
    folder = flight_folder(upload_root(settings), flight.id)
    if folder.is_dir():
        try:
            check_flight_over_area(
                read_track(folder),
                area,
                flight.id,
                request.app.state.app_config.drone.min_area_coverage,
                list(session.scalars(select(SurveyArea))),
            )
        except (AreaMismatchError, FootageError) as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
    area.baseline_flight_id = flight.id
    flight.survey_area_id = area.id
    return area


@router.get("/{area_id}/flights", response_model=list[FlightStatusPublic], responses=NOT_FOUND)
def list_flights(area_id: IdPath, session: SessionDep, user: AreaReader) -> list[Flight]:
    _area(session, area_id)
    return list(session.scalars(select(Flight).where(Flight.survey_area_id == area_id).order_by(Flight.id)))


@router.get("/{area_id}/findings", response_model=list[FindingPublic], responses=NOT_FOUND)
def list_findings(area_id: IdPath, session: SessionDep, user: AreaReader) -> list[DroneFindingRow]:
    _area(session, area_id)
    query = (
        select(DroneFindingRow)
        .join(Flight, Flight.id == DroneFindingRow.flight_id)
        .where(Flight.survey_area_id == area_id)
        .order_by(DroneFindingRow.flight_id, DroneFindingRow.id)
    )
    return list(session.scalars(query))


@router.get(
    "/{area_id}/flights/{flight_id}/frames", response_model=list[FrameReportPublic], responses=NOT_FOUND
)
def frame_reports(
    area_id: IdPath, flight_id: IdPath, session: SessionDep, user: AreaReader
) -> list[DroneFrameReport]:
    """Registration outcome per compared frame, with the reason for each frame that failed."""
    _area(session, area_id)
    return list(
        session.scalars(
            select(DroneFrameReport)
            .where(DroneFrameReport.flight_id == flight_id)
            .order_by(DroneFrameReport.frame_index)
        )
    )
