"""Survey areas, flights over them, and the footage uploaded for each flight."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow


class SurveyArea(Base):
    __tablename__ = "survey_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    polygon: Mapped[list[list[float]]] = mapped_column(JSON)  # [[lat, lon], ...]
    baseline_flight_id: Mapped[int | None] = mapped_column(
        ForeignKey("flights.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    # Where the area is in the city's case system: what a rooftop case from it is filed under.
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    grid_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    responsible_unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Flight(Base):
    __tablename__ = "flights"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    survey_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_areas.id", ondelete="SET NULL"), nullable=True, index=True
    )
    flown_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="created")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    status_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


UPLOAD_STATUSES = ("uploading", "complete", "bad_checksum", "rejected")
FAILED_UPLOAD_STATUSES = ("bad_checksum", "rejected")


class DroneUpload(Base):
    """One declared file of a flight; a file name is declared at most once per flight (a rejected one
    is replaced by the next declaration of that name)."""

    __tablename__ = "drone_uploads"
    __table_args__ = (UniqueConstraint("flight_id", "filename", name="uq_drone_uploads_flight_filename"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # video / srt / still
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="uploading")  # see UPLOAD_STATUSES
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)  # why a file was rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
