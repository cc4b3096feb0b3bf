"""Events (detections awaiting a human decision) and the decisions made on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow

EVENT_STATUSES = ("pending", "approved", "rejected")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_created", "status", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)  # ULID: sortable by creation
    violation_type: Mapped[str] = mapped_column(String(32), index=True)
    camera_id: Mapped[str | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), nullable=True, index=True
    )
    flight_id: Mapped[int | None] = mapped_column(
        ForeignKey("flights.id", ondelete="SET NULL"), nullable=True, index=True
    )
    zone_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    plate_text: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    plate_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence_record_id: Mapped[str | None] = mapped_column(
        ForeignKey("evidence_records.id", ondelete="RESTRICT"), nullable=True, unique=True
    )
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # 0002: repeated detections of the same episode are counted here (their supplement records link to it).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    detection_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # 0006: one case per stay. The database refuses a second event for the same episode key; the
    # object's box (normalised) and appearance let a restarted camera recognise the same stay, and
    # episode_ended_at says when the camera saw it end (null while it may still be going on).
    episode_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    episode_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # none_as_null: a missing box or look is SQL NULL (not JSON null), so `IS NULL` queries find it
    object_box: Mapped[list[float] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    appearance: Mapped[list[float] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))  # approve / reject / reopen
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
