"""Steps the city-management case system reports back on an approved case (立案 … 结案)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow

CASE_STEPS = ("filed", "dispatched", "handled", "checked", "closed")  # 立案 派遣 处置 核查 结案


class CaseStatus(Base):
    """One reported step; the same (event, step, time) reported again is the same row."""

    __tablename__ = "case_status"
    __table_args__ = (UniqueConstraint("event_id", "step", "reported_at", name="uq_case_status_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the case system took the step
    case_number: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the case system's id
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)  # who took the step there
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
