"""Camera section: identity, stream source, place, analysis rate, detectors and zones."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.timezones import verify_timezone
from ingest.config.errors import FieldError
from ingest.redact import mask_url
from vision.camera_setup import CameraSetup
from vision.violations.unions import ZoneConfig

SOURCE_SCHEMES = ("rtsp", "rtsps", "http", "https", "file", "device")
CAMERA_ID = r"^[a-z0-9][a-z0-9-]{1,62}$"
# Size limits: every string and list a camera carries is bounded (the database columns match).
MAX_NAME = 200
MAX_SOURCE = 2048
MAX_TIMEZONE = 64
MAX_ADDRESS = 500
MAX_GRID_CODE = 64
MAX_UNIT = 200
MAX_DETECTORS = 16
MAX_DETECTOR_NAME = 64
MAX_ZONES = 64
_HOSTLESS_SCHEMES = {"file", "device"}


def verify_source_url(url: str) -> str:
    """Accept rtsp(s)://host/..., http(s)://host/..., file:PATH and device:N; name what is wrong."""
    if re.search(r"\s", url):
        raise ValueError(f"source URL {mask_url(url)!r} contains whitespace")
    parts = urlsplit(url)
    if parts.scheme not in SOURCE_SCHEMES:
        raise ValueError(
            f"source URL {mask_url(url)!r} has scheme {parts.scheme or '(none)'!r}; "
            f"expected one of {', '.join(SOURCE_SCHEMES)}"
        )
    if parts.scheme == "file":
        if not (parts.path or parts.netloc):
            raise ValueError("file source URL has no path; expected file:relative/path.mp4 or file:///abs")
    elif parts.scheme == "device":
        if not (parts.path or parts.netloc).isdigit():
            raise ValueError("device source URL must be device:N with N the local video device index")
    else:
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:  # a non-numeric port
            raise ValueError(f"source URL {mask_url(url)!r} has an invalid port") from exc
        if not host:
            raise ValueError(f"source URL {mask_url(url)!r} has no host")
        del port
    return url


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str = Field(min_length=1, max_length=MAX_ADDRESS)
    grid_code: str = Field(
        min_length=1, max_length=MAX_GRID_CODE, description="网格编码 of the digital city-management grid."
    )
    responsible_unit: str = Field(
        min_length=1, max_length=MAX_UNIT, description="Unit that handles cases at this place."
    )


class CameraConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CAMERA_ID, max_length=63, description="Slug: lowercase letters, digits and dashes.")
    name: str = Field(min_length=1, max_length=MAX_NAME)
    source: str = Field(max_length=MAX_SOURCE, description="rtsp://, http(s)://, file:PATH or device:N")
    timezone: str = Field(default="Asia/Shanghai", max_length=MAX_TIMEZONE)
    location: Location
    analysis_fps: float = Field(default=2.0, gt=0, le=30)
    decode: Literal["full", "keyframe"] = Field(
        default="full", description="'keyframe' decodes only key frames: cheap, for analysis_fps <= 1."
    )
    enabled: bool = True
    detectors: list[Annotated[str, Field(min_length=1, max_length=MAX_DETECTOR_NAME)]] = Field(
        default_factory=lambda: ["street"], min_length=1, max_length=MAX_DETECTORS
    )
    zones: list[ZoneConfig] = Field(default_factory=list, max_length=MAX_ZONES)
    detection_zoom: float = Field(
        default=1.0,
        ge=1.0,
        le=4.0,
        description=(
            "The detector looks at the zones (grown by a margin), not the whole picture: at 1 at the whole "
            "frame's scale (cheaper); above 1 magnified up to that many times, never past the camera's "
            "pixels, for zones far away where vehicles are small."
        ),
    )
    start_time: datetime | None = Field(
        default=None, description="For file sources: wall-clock time of the first frame (timezone-aware)."
    )

    @field_validator("source")
    @classmethod
    def _verify_source(cls, url: str) -> str:
        return verify_source_url(url)

    @field_validator("timezone")
    @classmethod
    def _verify_timezone(cls, name: str) -> str:
        return verify_timezone(name)

    @field_validator("start_time")
    @classmethod
    def _verify_start_time(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("start_time must carry a UTC offset, e.g. 2026-05-01T08:00:00+08:00")
        return value

    @model_validator(mode="after")
    def _verify_unique_zone_names(self) -> CameraConfig:
        seen: set[str] = set()
        for index, zone in enumerate(self.zones):
            if zone.name in seen:
                raise FieldError(
                    ("zones", index, "name"), f"zone name {zone.name!r} is used twice on camera {self.id!r}"
                )
            seen.add(zone.name)
        return self

    @property
    def masked_source(self) -> str:
        return mask_url(self.source)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def analysis_setup(self) -> CameraSetup:
        """What the street analyzer needs of this camera (zones, local time zone, analysis rate)."""
        return CameraSetup(self.id, tuple(self.zones), self.tz, self.analysis_fps, self.detection_zoom)
