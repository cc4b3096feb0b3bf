"""Events in the review queue, their evidence, and decisions on them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.review.workflow import REASON_CODES
from api.schemas.case_status import CaseStatusPublic

ReasonCode = Annotated[
    str,
    Field(
        max_length=32,
        json_schema_extra={"enum": list(REASON_CODES)},
        description="A reject reason of the event's kind (GET /kinds lists each kind's)",
    ),
]

_EVENT_EXAMPLE: dict[str, Any] = {
    "id": "01JAB3C4D5E6F7G8H9J0K1M2N3",
    "violation_type": "illegal_parking",
    "camera_id": "demo-parking",
    "flight_id": None,
    "zone_name": "curb-east",
    "status": "pending",
    "first_seen_at": "2026-05-01T01:02:03Z",
    "confirmed_at": "2026-05-01T01:07:03Z",
    "plate_text": "浙A12345",
    "plate_confidence": 0.93,
    "evidence_record_id": "01JAB3C4D5E6F7G8H9J0K1M2N4",
    "claimed_by": None,
    "claim_expires_at": None,
    "decided_at": None,
    "created_at": "2026-05-01T01:07:04Z",
}


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_EVENT_EXAMPLE]})

    id: str
    violation_type: str
    camera_id: str | None
    flight_id: int | None
    zone_name: str | None
    status: str
    first_seen_at: datetime
    confirmed_at: datetime
    plate_text: str | None
    plate_confidence: float | None
    evidence_record_id: str | None
    claimed_by: int | None
    claim_expires_at: datetime | None
    decided_at: datetime | None
    created_at: datetime


class EventPage(BaseModel):
    items: list[EventPublic]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at the end")
    total: int = Field(default=0, description="Events matching the filter, on all pages")


class MarkPublic(BaseModel):
    label: str
    box: list[float] = Field(description="x1, y1, x2, y2 in pixels of the photo")
    score: float | None = None


class MediaPublic(BaseModel):
    path: str = Field(examples=["photos/01-arrival.jpg"])
    kind: str = Field(examples=["original"])
    sha256: str
    size: int
    url: str = Field(description="Authorised download; every access is audited")
    marks: list[MarkPublic] = Field(default_factory=list)
    view_offset: list[float] = Field(
        default_factory=lambda: [0.0, 0.0],
        description="Pixels: where the camera's reference view lies in this photo (it swayed or drifted since); "
        "the zone shows at its polygon plus this",
    )


class VerifyPublic(BaseModel):
    state: Literal["ok", "failed", "unavailable", "error"]
    detail: str = ""


class EvidencePublic(BaseModel):
    record_id: str
    manifest_sha256: str
    media: list[MediaPublic]
    zip_url: str
    verify: VerifyPublic
    record: dict[str, Any] = Field(description="The record part of the manifest")


class CaseRecheckPublic(BaseModel):
    """The product's 核查 after a 处置 report: outcome, and the signed record of the re-check frames."""

    id: int
    state: Literal["pending", "done"]
    outcome: Literal["cleared", "still_present", "inconclusive", "not_recheckable"] | None
    reason: str | None = Field(description="vision.recheck reason code, e.g. not_present, present, no_frames")
    detail: str | None
    requested_at: datetime
    finished_at: datetime | None
    attempts: int
    last_error: str | None
    evidence: EvidencePublic | None = Field(description="The signed 核查 record: re-check photos, verify state")
    evidence_error: str | None = None


class CameraBrief(BaseModel):
    id: str
    name: str
    timezone: str
    address: str
    grid_code: str


class ReviewedEvent(BaseModel):
    """What a history row shows of the event a decision was on."""

    violation_type: str
    plate_text: str | None
    camera_id: str | None
    camera_name: str | None
    flight_id: int | None
    zone_name: str | None
    address: str | None
    timezone: str | None
    status: str


class ReviewPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 5,
                    "event_id": "01JAB3C4D5E6F7G8H9J0K1M2N3",
                    "reviewer_id": 3,
                    "reviewer": "li.wei",
                    "decision": "reject",
                    "reason_code": "exempt_vehicle",
                    "note": "ambulance",
                    "created_at": "2026-05-01T02:00:00Z",
                }
            ]
        },
    )

    id: int
    event_id: str
    reviewer_id: int
    reviewer: str = ""
    decision: str
    reason_code: str | None
    note: str | None
    created_at: datetime
    event: ReviewedEvent | None = Field(default=None, description="In GET /reviews: the event's type and place")


class ReviewPage(BaseModel):
    items: list[ReviewPublic]
    next_cursor: str | None


class EventDetail(EventPublic):
    camera: CameraBrief | None
    zone_polygon: list[list[float]] | None = Field(description="Normalised [0, 1] image coordinates")
    evidence: EvidencePublic | None
    evidence_error: str | None = None
    reviews: list[ReviewPublic]
    case_steps: list[CaseStatusPublic] = Field(
        default_factory=list, description="Steps the case system reported back (立案 … 结案)"
    )
    rechecks: list[CaseRecheckPublic] = Field(
        default_factory=list, description="The product's re-checks of the place after each 处置 report (核查)"
    )


class DecisionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve"},
                {"decision": "reject", "reason_code": "exempt_vehicle", "note": "fire engine on duty"},
                {"decision": "reject", "reason_code": "other", "note": "camera view blocked by a bus"},
            ],
            "allOf": [  # the cross-field rules of _verify_reason, stated in the schema
                {
                    "if": {"properties": {"decision": {"const": "approve"}}, "required": ["decision"]},
                    "then": {"properties": {"reason_code": {"type": "null"}}},
                },
                {
                    "if": {"properties": {"decision": {"const": "reject"}}, "required": ["decision"]},
                    "then": {"required": ["reason_code"], "properties": {"reason_code": {"type": "string"}}},
                },
                {
                    "if": {"properties": {"reason_code": {"const": "other"}}, "required": ["reason_code"]},
                    "then": {"required": ["note"], "properties": {"note": {"type": "string", "pattern": "\\S"}}},
                },
            ],
        },
    )

    decision: Literal["approve", "reject"]
    reason_code: ReasonCode | None = Field(
        default=None, description="Required to reject; not allowed to approve"
    )
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("reason_code")
    @classmethod
    def _known_reason(cls, value: str | None) -> str | None:
        if value is not None and value not in REASON_CODES:
            raise ValueError(f"unknown reason_code {value!r}; one of {', '.join(REASON_CODES)}")
        return value

    @model_validator(mode="after")
    def _verify_reason(self) -> DecisionCreate:
        if self.decision == "reject" and self.reason_code is None:
            raise ValueError(f"a rejection needs a reason_code: one of {', '.join(REASON_CODES)}")
        if self.decision == "approve" and self.reason_code is not None:
            raise ValueError("an approval takes no reason_code")
        if self.reason_code == "other" and not (self.note and self.note.strip()):
            raise ValueError("reason_code 'other' needs a note saying why")
        return self


class ReopenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "owner appealed with a permit"}]}
    )

    note: str = Field(min_length=1, max_length=2000, description="Why the decision is reopened")


class ClaimPublic(BaseModel):
    event_id: str
    claimed_by: int
    claim_expires_at: datetime
