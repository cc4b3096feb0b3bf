"""Operational tables: failed-login throttle state and the database write probe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime


class LoginThrottle(Base):
    """Failed logins counted under one key: a client address, an (address, user) pair or a user name.

    The key is stored as a SHA-256 so that a password typed into the user-name field is not kept here.
    """

    __tablename__ = "login_throttle"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # address / pair / user
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WriteProbe(Base):
    """Never holds a row: `/health` inserts one and rolls back, to learn whether writes succeed."""

    __tablename__ = "write_probe"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
