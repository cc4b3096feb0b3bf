"""Cameras, their zones, their live health and the view their zones fit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db.base import Base, UTCDateTime, utcnow


class Camera(Base):
    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # May hold stream credentials: never returned or logged unmasked.
    source_url: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(500))
    grid_code: Mapped[str] = mapped_column(String(64))
    responsible_unit: Mapped[str] = mapped_column(String(200))
    analysis_fps: Mapped[float] = mapped_column(Float)
    decode: Mapped[str] = mapped_column(String(16), default="full")
    detection_zoom: Mapped[float] = mapped_column(Float, default=1.0, server_default="1.0")
    detectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="yaml")  # 'yaml' or 'api'
    start_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    zones: Mapped[list[Zone]] = relationship(
        back_populates="camera", cascade="all, delete-orphan", order_by="Zone.position"
    )


class Zone(Base):
    """`params` holds the rule parameters of the zone's kind as JSON, validated by that kind's params
    model (vision/violations/<kind>.py) on write and on read (api/db/zones.py)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("camera_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    polygon: Mapped[list[list[float]]] = mapped_column(JSON)
    active_hours: Mapped[list[str]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)

    camera: Mapped[Camera] = relationship(back_populates="zones")


class CameraHealth(Base):
    __tablename__ = "camera_health"

    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), default="unknown")
    input_fps: Mapped[float] = mapped_column(Float, default=0.0)
    analysed_fps: Mapped[float] = mapped_column(Float, default=0.0)
    skipped_by_motion: Mapped[int] = mapped_column(Integer, default=0)
    frames_total: Mapped[int] = mapped_column(Integer, default=0)
    last_frame_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reconnects: Mapped[int] = mapped_column(Integer, default=0)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    clock_offset_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CameraView(Base):
    """The picture a camera showed while it showed the view its zones fit (vision/view_memory.py): one
    row per camera, overwritten as the analyzer refreshes it, deleted when zones are saved through the
    API (the integrator accepts the view the camera shows then)."""

    __tablename__ = "camera_views"

    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True)
    zones_key: Mapped[str] = mapped_column(String(64))  # vision.view_memory.zones_key of the zones it fits
    picture: Mapped[bytes] = mapped_column(LargeBinary)  # JPEG
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)  # capture time
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
