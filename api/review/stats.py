"""Case statistics for the bureau: counts by kind, local day, grid and responsible unit, approval rate,
time from detection to decision; and where the cases are (camera positions, drone findings' own)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median, quantiles
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.db.models import Camera, DroneFindingRow, Event, Flight, SurveyArea
from api.export.describe import DEFAULT_TIMEZONE, UNASSIGNED

STATUSES = ("pending", "approved", "rejected")
Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")


@dataclass
class Counts:
    pending: int = 0
    approved: int = 0
    rejected: int = 0

    def add(self, status: str) -> None:
        if status in STATUSES:
            setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return self.pending + self.approved + self.rejected


@dataclass(frozen=True)
class CaseStats:
    by_kind: dict[str, Counts]
    by_day: dict[str, Counts]  # YYYY-MM-DD in the camera's zone, on the detection time
    by_grid: dict[str, Counts]  # the camera's (or the drone finding's survey area's) grid code
    by_unit: dict[str, Counts]  # the same for the responsible unit
    all: Counts
    approval_rate: float | None  # approved / decided
    median_decision_s: float | None  # detection (confirmed_at) to decision
    p90_decision_s: float | None
    decided_count: int


def _place_columns(query: Query) -> Query:
    """Join each event to its camera, or to its flight's survey area (drone findings carry no camera)."""
    return (
        query.outerjoin(Camera, Camera.id == Event.camera_id)
        .outerjoin(Flight, Flight.id == Event.flight_id)
        .outerjoin(SurveyArea, SurveyArea.id == Flight.survey_area_id)
    )


def _filtered(query: Query, since: datetime | None, until: datetime | None) -> Query:
    if since is not None:
        query = query.where(Event.confirmed_at >= since)
    if until is not None:
        query = query.where(Event.confirmed_at < until)
    return query


def _or_unassigned(camera_value: str | None, area_value: str | None) -> str:
    return camera_value or area_value or UNASSIGNED


def case_stats(session: Session, since: datetime | None, until: datetime | None) -> CaseStats:
    query = _filtered(
        _place_columns(
            select(
                Event.violation_type,
                Event.status,
                Event.confirmed_at,
                Event.decided_at,
                Camera.timezone,
                Camera.grid_code,
                Camera.responsible_unit,
                SurveyArea.grid_code,
                SurveyArea.responsible_unit,
            )
        ),
        since,
        until,
    )
    by_kind: dict[str, Counts] = defaultdict(Counts)
    by_day: dict[str, Counts] = defaultdict(Counts)
    by_grid: dict[str, Counts] = defaultdict(Counts)
    by_unit: dict[str, Counts] = defaultdict(Counts)
    every = Counts()
    waits: list[float] = []
    zones: dict[str, ZoneInfo] = {}
    for kind, status, confirmed_at, decided_at, timezone, grid, unit, area_grid, area_unit in session.execute(query):
        name = timezone or DEFAULT_TIMEZONE
        zone = zones.setdefault(name, ZoneInfo(name))
        by_kind[kind].add(status)
        by_day[confirmed_at.astimezone(zone).date().isoformat()].add(status)
        by_grid[_or_unassigned(grid, area_grid)].add(status)
        by_unit[_or_unassigned(unit, area_unit)].add(status)
        every.add(status)
        if decided_at is not None and status in ("approved", "rejected"):
            waits.append((decided_at - confirmed_at).total_seconds())
    decided = every.approved + every.rejected
    return CaseStats(
        by_kind=dict(sorted(by_kind.items())),
        by_day=dict(sorted(by_day.items())),
        by_grid=dict(sorted(by_grid.items())),
        by_unit=dict(sorted(by_unit.items())),
        all=every,
        approval_rate=every.approved / decided if decided else None,
        median_decision_s=median(waits) if waits else None,
        p90_decision_s=_p90(waits),
        decided_count=len(waits),
    )


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return quantiles(values, n=10, method="inclusive")[-1]


@dataclass(frozen=True)  # the API's /stats/map gives these as they are (its schema is this class's)
class MapCase:
    """One case on the map: at its camera, or at the drone finding's own position."""

    event_id: str
    violation_type: str
    status: str
    confirmed_at: datetime
    camera_id: str | None
    flight_id: int | None
    zone_name: str | None
    plate_text: str | None
    place: str  # the camera's name and address, or the survey area's name
    grid_code: str
    responsible_unit: str
    lat: float
    lon: float
    area_m2: Annotated[float | None, Field(description="Drone findings: the structure's area in m²")]


@dataclass(frozen=True)
class CaseMap:
    cases: list[MapCase]
    total: int  # cases matching the filters, placed or not
    unplaced: int  # of the newest `limit`, cases with no known position (camera deleted, finding row gone)
    truncated: bool  # more than `limit` cases matched: the newest `limit` are given


def _finding_key(episode_key: str | None, flight_id: int | None) -> str | None:
    """The finding key in a drone episode key `flight:<id>:structure:<key>` (vision/change/violation.py)."""
    prefix = f"flight:{flight_id}:structure:"
    if episode_key is None or flight_id is None or not episode_key.startswith(prefix):
        return None
    return episode_key[len(prefix) :]


def case_map(
    session: Session,
    since: datetime | None,
    until: datetime | None,
    status: str | None,
    violation_type: str | None,
    limit: int,
) -> CaseMap:
    matching = _filtered(select(Event.id), since, until)
    if status is not None:
        matching = matching.where(Event.status == status)
    if violation_type is not None:
        matching = matching.where(Event.violation_type == violation_type)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    query = (
        _place_columns(select(Event, Camera, SurveyArea.name, SurveyArea.grid_code, SurveyArea.responsible_unit))
        .where(Event.id.in_(matching))
        .order_by(Event.confirmed_at.desc(), Event.id.desc())
        .limit(limit)
    )
    rows = list(session.execute(query))
    flights = {event.flight_id for event, *_ in rows if event.flight_id is not None}
    findings: dict[tuple[int, str], DroneFindingRow] = {}
    if flights:
        for f in session.scalars(select(DroneFindingRow).where(DroneFindingRow.flight_id.in_(flights))):
            findings[(f.flight_id, f.finding_key)] = f
    placed: list[MapCase] = []
    unplaced = 0
    for event, camera, area_name, area_grid, area_unit in rows:
        key = _finding_key(event.episode_key, event.flight_id)
        finding = findings.get((event.flight_id, key)) if key is not None and event.flight_id else None
        if camera is not None:
            lat, lon, area_m2 = camera.lat, camera.lon, None
            place, grid, unit = f"{camera.name} · {camera.address}", camera.grid_code, camera.responsible_unit
        elif finding is not None:
            lat, lon, area_m2 = finding.lat, finding.lon, finding.area_m2
            place, grid, unit = area_name or "", area_grid, area_unit
        else:
            unplaced += 1
            continue
        placed.append(
            MapCase(
                event_id=event.id,
                violation_type=event.violation_type,
                status=event.status,
                confirmed_at=event.confirmed_at,
                camera_id=event.camera_id,
                flight_id=event.flight_id,
                zone_name=event.zone_name,
                plate_text=event.plate_text,
                place=place,
                grid_code=grid or UNASSIGNED,
                responsible_unit=unit or UNASSIGNED,
                lat=lat,
                lon=lon,
                area_m2=area_m2,
            )
        )
    return CaseMap(cases=placed, total=total, unplaced=unplaced, truncated=total > len(rows))
