"""Process settings from the environment (ENFORCE_*); the camera registry is a separate YAML file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENFORCE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    config: Path = Field(default=Path("configs/cameras.yaml"), description="ENFORCE_CONFIG: cameras file")
    database_url: str = Field(default="sqlite:///var/enforce.db", description="ENFORCE_DATABASE_URL")
    evidence_dir: Path = Field(default=Path("var/evidence"), description="ENFORCE_EVIDENCE_DIR")
    signing_key: Path = Field(default=Path("var/keys/signing.key"), description="ENFORCE_SIGNING_KEY")
    log_level: str = "INFO"
    upload_dir: Path = Field(default=Path("var/uploads"), description="ENFORCE_UPLOAD_DIR: drone footage")
    session_ttl_s: int = Field(default=8 * 3600, gt=0, description="Login token lifetime")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description='ENFORCE_TRUSTED_PROXIES, e.g. ["127.0.0.1"]: reverse proxies whose X-Forwarded-For is believed',
    )
    claim_lease_s: int = Field(default=300, gt=0, description="How long a reviewer's claim on an event lasts")
    max_video_bytes: int = Field(default=8 * 1024**3, gt=0)
    max_still_bytes: int = Field(default=64 * 1024**2, gt=0)
    max_srt_bytes: int = Field(default=16 * 1024**2, gt=0)
    max_chunk_bytes: int = Field(default=16 * 1024**2, gt=0)
    webhook_url: str | None = Field(default=None, description="ENFORCE_WEBHOOK_URL: case system intake")
    webhook_max_attempts: int = Field(default=6, ge=1)
    webhook_backoff_s: float = Field(default=5.0, gt=0, description="First retry delay; doubles each time")
    webhook_poll_s: float = Field(default=2.0, gt=0)
    snapshot_timeout_s: float = Field(default=10.0, gt=0, le=60)


@lru_cache
def get_settings() -> Settings:
    return Settings()
