"""The database's view of the evidence ledger; the bundles themselves live in the evidence store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow


class EvidenceRecordRow(Base):
    __tablename__ = "evidence_records"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)  # position in the hash chain
    violation_type: Mapped[str] = mapped_column(String(32))
    bundle_path: Mapped[str] = mapped_column(String(500))  # relative to the evidence store root
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    previous_manifest_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signing_key_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tombstoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # 0002: 'primary' opens an episode (and its event); 'supplement' adds later photos to episode_record_id's.
    kind: Mapped[str] = mapped_column(String(16), default="primary", server_default="primary")
    episode_record_id: Mapped[str | None] = mapped_column(
        ForeignKey("evidence_records.id", ondelete="RESTRICT"), nullable=True, index=True
    )
