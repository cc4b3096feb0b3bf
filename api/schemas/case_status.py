"""Case-system status callbacks: what the case system sends, and what the product shows of them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.times import QueryTime

CaseStep = Literal["filed", "dispatched", "handled", "checked", "closed"]  # 立案 派遣 处置 核查 结案


class CaseStatusCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "step": "handled",
                    "at": "2026-05-01T10:30:00+08:00",
                    "case_number": "XH20260501-0042",
                    "actor": "西湖区城管执法局 三中队",
                    "note": "车辆已驶离",
                }
            ]
        },
    )

    step: CaseStep = Field(description="filed 立案, dispatched 派遣, handled 处置, checked 核查, closed 结案")
    at: QueryTime = Field(description="When the case system took the step (RFC 3339 with offset)")
    case_number: str | None = Field(default=None, max_length=64, description="The case system's case number")
    actor: str | None = Field(default=None, max_length=200, description="Who took the step there")
    note: str | None = Field(default=None, max_length=2000)


class CaseStatusPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: str
    step: CaseStep
    reported_at: datetime
    case_number: str | None
    actor: str | None
    note: str | None
    received_at: datetime
