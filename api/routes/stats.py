"""The bureau's view of its cases as a whole: counts by kind, day, grid and responsible unit, approval
rate and time to decision; and the case map (cameras, survey areas and where each case is)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.auth.deps import ReviewerUser
from api.db.models import Camera, SurveyArea
from api.deps import SessionDep
from api.review.stats import Counts, case_map, case_stats
from api.routes.common import AUTH_RESPONSES, require_offset
from api.schemas.times import QueryTime

router = APIRouter(prefix="/stats", tags=["statistics"])
MAX_MAP_CASES = 5000


class CountsPublic(BaseModel):
    pending: int
    approved: int
    rejected: int
    total: int

    @classmethod
    def of(cls, c: Counts) -> CountsPublic:
        return cls(pending=c.pending, approved=c.approved, rejected=c.rejected, total=c.total)


class StatsPublic(BaseModel):
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
    since: Annotated[QueryTime | None, Query(description="confirmed_at >= since")] = None,
    until: Annotated[QueryTime | None, Query(description="confirmed_at < until")] = None,
) -> StatsPublic:
    """Counts by kind, day, grid and unit, the approval rate and the time to a decision."""
    s = case_stats(session, require_offset(since, "since"), require_offset(until, "until"))
    return StatsPublic(
        by_kind={k: CountsPublic.of(c) for k, c in s.by_kind.items()},
        by_day={d: CountsPublic.of(c) for d, c in s.by_day.items()},
        by_grid={g: CountsPublic.of(c) for g, c in s.by_grid.items()},
        by_unit={u: CountsPublic.of(c) for u, c in s.by_unit.items()},
        all=CountsPublic.of(s.all),
        approval_rate=s.approval_rate,
        median_decision_s=s.median_decision_s,
        p90_decision_s=s.p90_decision_s,
        decided_count=s.decided_count,
    )


class MapCamera(BaseModel):
    id: str
    name: str
    lat: float
    lon: float
    address: str
    grid_code: str
    responsible_unit: str
    enabled: bool


class MapArea(BaseModel):
    id: int
    name: str
    polygon: list[list[float]] = Field(description="[[lat, lon], ...]")
    address: str | None
    grid_code: str | None
    responsible_unit: str | None


class MapCase(BaseModel):
    event_id: str
    violation_type: str
    status: str
    confirmed_at: datetime
    camera_id: str | None
    flight_id: int | None
    zone_name: str | None
    plate_text: str | None
    place: str
    grid_code: str
    responsible_unit: str
    lat: float
    lon: float
    area_m2: float | None = Field(description="Drone findings: the structure's area in m²")


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
    since: Annotated[QueryTime | None, Query(description="confirmed_at >= since")] = None,
    until: Annotated[QueryTime | None, Query(description="confirmed_at < until")] = None,
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
        cameras=[
            MapCamera(
                id=c.id,
                name=c.name,
                lat=c.lat,
                lon=c.lon,
                address=c.address,
                grid_code=c.grid_code,
                responsible_unit=c.responsible_unit,
                enabled=c.enabled,
            )
            for c in cameras
        ],
        survey_areas=[
            MapArea(
                id=a.id,
                name=a.name,
                polygon=a.polygon,
                address=a.address,
                grid_code=a.grid_code,
                responsible_unit=a.responsible_unit,
            )
            for a in areas
        ],
        cases=[MapCase(**vars(c)) for c in found.cases],
        total=found.total,
        unplaced=found.unplaced,
        truncated=found.truncated,
    )
