"""Camera and zone schemas. Sources are always masked on the way out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.db.models import Camera
from api.db.zones import zone_config
from ingest.redact import mask_text
from vision.violations.unions import ZoneConfig


class LocationPublic(BaseModel):
    lat: float
    lon: float
    address: str
    grid_code: str
    responsible_unit: str


ZonePublic = ZoneConfig  # a zone as the cameras file has it: common fields + its kind's parameters


class CameraPublic(BaseModel):
    id: str = Field(examples=["demo-street-parking"])
    name: str
    source: str = Field(description="Stream URL with credentials masked", examples=["rtsp://***@10.0.0.5/live"])
    timezone: str
    location: LocationPublic
    analysis_fps: float
    decode: str
    detection_zoom: float = Field(description="Magnification of the zones' detection window (1: the frame's scale)")
    detectors: list[str]
    enabled: bool
    origin: str
    zones: list[ZonePublic]
    updated_at: datetime

    @classmethod
    def from_row(cls, camera: Camera) -> CameraPublic:
        return cls(
            id=camera.id,
            name=camera.name,
            source=mask_text(camera.source_url),
            timezone=camera.timezone,
            location=LocationPublic(
                lat=camera.lat,
                lon=camera.lon,
                address=camera.address,
                grid_code=camera.grid_code,
                responsible_unit=camera.responsible_unit,
            ),
            analysis_fps=camera.analysis_fps,
            decode=camera.decode,
            detection_zoom=camera.detection_zoom,
            detectors=list(camera.detectors),
            enabled=camera.enabled,
            origin=camera.origin,
            zones=[zone_config(z) for z in camera.zones],
            updated_at=camera.updated_at,
        )
