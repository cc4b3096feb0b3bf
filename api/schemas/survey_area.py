"""Survey area, flight-status and finding schemas."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.ids import MAX_ID


class SurveyAreaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    polygon: list[list[float]] = Field(
        description="[[lat, lon], ...], at least 3 vertices",
        json_schema_extra={
            "minItems": 3,
            "items": {
                "type": "array",
                "prefixItems": [
                    {"type": "number", "minimum": -90, "maximum": 90},
                    {"type": "number", "minimum": -180, "maximum": 180},
                ],
                "minItems": 2,
                "maxItems": 2,
            },
        },
    )
    baseline_flight_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    address: str | None = Field(default=None, max_length=500, description="Filed under in the case system")
    grid_code: str | None = Field(default=None, max_length=64, description="网格编码")
    responsible_unit: str | None = Field(default=None, max_length=200)

    @field_validator("polygon")
    @classmethod
    def _verify_polygon(cls, polygon: list[list[float]]) -> list[list[float]]:
        if len(polygon) < 3:
            raise ValueError(f"polygon needs at least 3 [lat, lon] vertices, got {len(polygon)}")
        for i, p in enumerate(polygon):
            if len(p) != 2:
                raise ValueError(f"polygon[{i}] must be [lat, lon], got {p}")
            if not (-90 <= p[0] <= 90 and -180 <= p[1] <= 180):
                raise ValueError(f"polygon[{i}] = {p} is not a valid [lat, lon]")
        return polygon


class BaselineUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flight_id: int = Field(ge=1, le=MAX_ID)


class SurveyAreaPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    polygon: list[list[float]]
    baseline_flight_id: int | None
    address: str | None = None
    grid_code: str | None = None
    responsible_unit: str | None = None
    created_at: datetime


class FlightStatusPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    survey_area_id: int | None
    flown_on: date
    status: str
    progress: float
    status_detail: str | None


class FindingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    flight_id: int
    baseline_flight_id: int | None
    finding_key: str
    lat: float
    lon: float
    area_m2: float
    registration_quality: float
    score: float
    frame_index: int
    submitted: bool


class FrameReportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    frame_index: int
    baseline_frame_index: int | None
    registered: bool
    quality: float
    reason: str | None
