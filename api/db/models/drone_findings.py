"""What drone change detection found per flight, and the frames it could not register."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow


class DroneFindingRow(Base):
    """One new rooftop structure; `finding_key` is deterministic so reprocessing adds no duplicates."""

    __tablename__ = "drone_findings"
    __table_args__ = (UniqueConstraint("flight_id", "finding_key", name="uq_drone_findings_flight_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id", ondelete="CASCADE"), index=True)
    baseline_flight_id: Mapped[int | None] = mapped_column(
        ForeignKey("flights.id", ondelete="SET NULL"), nullable=True
    )
    finding_key: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    registration_quality: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    frame_index: Mapped[int] = mapped_column(Integer)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)  # handed to the evidence sink
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DroneFrameReport(Base):
    """Registration outcome per compared frame; failures carry the reason."""

    __tablename__ = "drone_frame_reports"
    __table_args__ = (
        UniqueConstraint("flight_id", "frame_index", name="uq_drone_frame_reports_flight_frame"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id", ondelete="CASCADE"), index=True)
    frame_index: Mapped[int] = mapped_column(Integer)
    baseline_frame_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    registered: Mapped[bool] = mapped_column(Boolean)
    quality: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
