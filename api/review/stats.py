"""Case statistics for the bureau: counts by kind and by local day, approval rate, time to decision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Camera, Event
from api.export.describe import DEFAULT_TIMEZONE

STATUSES = ("pending", "approved", "rejected")


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
    all: Counts
    approval_rate: float | None  # approved / decided
    median_decision_s: float | None  # detection (confirmed_at) to decision


def case_stats(session: Session, since: datetime | None, until: datetime | None) -> CaseStats:
    query = select(Event.violation_type, Event.status, Event.confirmed_at, Event.decided_at, Camera.timezone).outerjoin(
        Camera, Camera.id == Event.camera_id
    )
    if since is not None:
        query = query.where(Event.confirmed_at >= since)
    if until is not None:
        query = query.where(Event.confirmed_at < until)
    by_kind: dict[str, Counts] = defaultdict(Counts)
    by_day: dict[str, Counts] = defaultdict(Counts)
    every = Counts()
    waits: list[float] = []
    zones: dict[str, ZoneInfo] = {}
    for kind, status, confirmed_at, decided_at, timezone in session.execute(query):
        name = timezone or DEFAULT_TIMEZONE
        zone = zones.setdefault(name, ZoneInfo(name))
        by_kind[kind].add(status)
        by_day[confirmed_at.astimezone(zone).date().isoformat()].add(status)
        every.add(status)
        if decided_at is not None and status in ("approved", "rejected"):
            waits.append((decided_at - confirmed_at).total_seconds())
    decided = every.approved + every.rejected
    return CaseStats(
        by_kind=dict(sorted(by_kind.items())),
        by_day=dict(sorted(by_day.items())),
        all=every,
        approval_rate=every.approved / decided if decided else None,
        median_decision_s=median(waits) if waits else None,
    )
