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


@lru_cache
def get_settings() -> Settings:
    return Settings()
