"""The product's own 核查: after the case system reports 处置, the place is looked at again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime

RECHECK_STATES = ("pending", "done")


class CaseRecheck(Base):
    """One re-check per 处置 report, asked for in that report's transaction (so none is lost) and done
    when its signed 核查 record is written: the evidence writer's row sink sets `record_id`, the outcome
    and `state` in the record's own row transaction."""

    __tablename__ = "case_rechecks"
    __table_args__ = (Index("ix_case_rechecks_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    case_status_id: Mapped[int] = mapped_column(ForeignKey("case_status.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # vision.recheck.Outcome
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)  # its reason code
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    record_id: Mapped[str | None] = mapped_column(ForeignKey("evidence_records.id"), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # where the outcome is pushed when done (the case-system webhook), and the product's URL as the case
    # system reached it (for the photo links); both from the 处置 report
    notify_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    base_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
