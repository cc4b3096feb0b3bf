"""The bureau's view of its cases as a whole: counts by kind, day, grid and responsible unit, approval
rate and time to decision; and the case map (cameras, survey areas and where each case is)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.auth.deps import ReviewerUser
from api.db.models import Camera, SurveyArea
from api.deps import SessionDep
from api.review.stats import MapCase, case_map, case_stats
from api.routes.common import AUTH_RESPONSES, ConfirmedSince, ConfirmedUntil, require_offset

router = APIRouter(prefix="/stats", tags=["statistics"])
MAX_MAP_CASES = 5000


class CountsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pending: int
    approved: int
    rejected: int
    total: int


class StatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    by_kind: dict[str, CountsPublic] = Field(description="Violation type -> counts")
    by_day: dict[str, CountsPublic] = Field(description="Local day of detection (camera's zone) -> counts")
    by_grid: dict[str, CountsPublic] = Field(
        description="Grid code (网格编码) of the camera, or of a drone finding's survey area -> counts; "
        "'unassigned' where neither names one"
    )
    by_unit: dict[str, CountsPublic] = Field(description="Responsible unit, found the same way -> counts")
    all: CountsPublic
    approval_rate: float | None = Field(description="approved / (approved + rejected); null before any decision")
    median_decision_s: float | None = Field(description="Median seconds from detection to decision")
    p90_decision_s: float | None = Field(description="90th percentile of the seconds from detection to decision")
    decided_count: int = Field(description="Decided cases the decision times are taken from")


@router.get("/cases", response_model=StatsPublic, responses=AUTH_RESPONSES)
def stats(
    user: ReviewerUser,
    session: SessionDep,
    since: ConfirmedSince = None,
    until: ConfirmedUntil = None,
) -> StatsPublic:
    """Counts by kind, day, grid and unit, the approval rate and the time to a decision."""
    return StatsPublic.model_validate(
        case_stats(session, require_offset(since, "since"), require_offset(until, "until"))
    )


class MapCamera(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    lat: float
    lon: float
    address: str
    grid_code: str
    responsible_unit: str
    enabled: bool


class MapArea(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    polygon: list[list[float]] = Field(description="[[lat, lon], ...]")
    address: str | None
    grid_code: str | None
    responsible_unit: str | None


class CaseMapPublic(BaseModel):
    cameras: list[MapCamera]
    survey_areas: list[MapArea]
    cases: list[MapCase] = Field(
        description="Newest first; camera cases at their camera, drone findings at their own position"
    )
    total: int = Field(description="Cases matching the filters")
    unplaced: int = Field(description="Of the cases given, those with no known position (left off the map)")
    truncated: bool = Field(description="More cases matched than `limit`")


@router.get("/map", response_model=CaseMapPublic, responses=AUTH_RESPONSES)
def map_data(
    user: ReviewerUser,
    session: SessionDep,
    since: ConfirmedSince = None,
    until: ConfirmedUntil = None,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = None,
    violation_type: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_MAP_CASES)] = 2000,
) -> CaseMapPublic:
    """What the bureau's map draws, from the product's own data (no map tiles): camera positions, survey
    area polygons and the newest cases with their positions."""
    found = case_map(
        session, require_offset(since, "since"), require_offset(until, "until"), status, violation_type, limit
    )
    cameras = session.scalars(select(Camera).order_by(Camera.id))
    areas = session.scalars(select(SurveyArea).order_by(SurveyArea.id))
    return CaseMapPublic(
        cameras=[MapCamera.model_validate(c) for c in cameras],
        survey_areas=[MapArea.model_validate(a) for a in areas],
        cases=found.cases,
        total=found.total,
        unplaced=found.unplaced,
        truncated=found.truncated,
    )
