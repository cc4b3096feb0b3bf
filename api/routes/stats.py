"""The bureau's view of its cases as a whole (counts by kind and day, approval rate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth.deps import ReviewerUser
from api.deps import SessionDep
from api.review.stats import Counts, case_stats
from api.routes.common import AUTH_RESPONSES, require_offset
from api.schemas.times import QueryTime

router = APIRouter(prefix="/stats", tags=["statistics"])


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
    all: CountsPublic
    approval_rate: float | None = Field(description="approved / (approved + rejected); null before any decision")
    median_decision_s: float | None = Field(description="Median seconds from detection to decision")


@router.get("/cases", response_model=StatsPublic, responses=AUTH_RESPONSES)
def stats(
    user: ReviewerUser,
    session: SessionDep,
    since: Annotated[QueryTime | None, Query(description="confirmed_at >= since")] = None,
    until: Annotated[QueryTime | None, Query(description="confirmed_at < until")] = None,
) -> StatsPublic:
    """Counts by kind and by day, the approval rate and the median time to a decision."""
    s = case_stats(session, require_offset(since, "since"), require_offset(until, "until"))
    return StatsPublic(
        by_kind={k: CountsPublic.of(c) for k, c in s.by_kind.items()},
        by_day={d: CountsPublic.of(c) for d, c in s.by_day.items()},
        all=CountsPublic.of(s.all),
        approval_rate=s.approval_rate,
        median_decision_s=s.median_decision_s,
    )
