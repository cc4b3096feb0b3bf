"""The settings the evidence stage reads (api.settings.Settings satisfies this without an import)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class EvidenceSettings(Protocol):
    evidence_dir: Path  # ENFORCE_EVIDENCE_DIR
    signing_key: Path  # ENFORCE_SIGNING_KEY
    database_url: str  # ENFORCE_DATABASE_URL
