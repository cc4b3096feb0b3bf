"""Process settings from the environment (ENFORCE_*); the camera registry is a separate YAML file."""

from __future__ import annotations

import json
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from vision.violations import registry
from vision.violations.base import CaseCodes

REPO_DEMO = Path(__file__).resolve().parents[1] / "demo"
SourceScheme = Literal["rtsp", "rtsps", "http", "https", "file", "device"]


def _every_scheme() -> list[SourceScheme]:
    return ["rtsp", "rtsps", "http", "https", "file", "device"]


_CODE = r"^[0-9A-Za-z_.-]{1,32}$"


class CaseCodeSetting(BaseModel):
    """One violation type's category codes in the bureau's case system (大类 / 小类)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    major: str = Field(pattern=_CODE)
    minor: str = Field(pattern=_CODE)
    major_name: str = Field(default="", max_length=64)
    minor_name: str = Field(default="", max_length=64)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENFORCE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    config: Path = Field(default=Path("configs/cameras.yaml"), description="ENFORCE_CONFIG: cameras file")
    project_root: Path = Field(
        default=Path("."),
        description="ENFORCE_PROJECT_ROOT: the folder relative `file:` sources of cameras sent to the API are read "
        "from (the YAML's are read from the cameras file's folder)",
    )
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
    recheck_frames: int = Field(default=3, ge=1, le=20, description="核查 after 处置: frames the camera looks at")
    recheck_spacing_s: float = Field(default=2.0, gt=0, le=60, description="at least this far apart")
    recheck_timeout_s: float = Field(default=30.0, gt=0, le=600, description="wait for frames at most this long")
    recheck_poll_s: float = Field(default=2.0, gt=0, description="how often asked-for re-checks are looked for")
    ray_pass_interval_s: float = Field(
        default=2.0, gt=0, le=300,
        description="ENFORCE_RAY_PASS_INTERVAL_S: Ray mode, how often the registry is re-read and health written",
    )
    media_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [REPO_DEMO],
        description="ENFORCE_MEDIA_ROOTS: folders file: camera sources may read (comma-separated or JSON)",
    )
    source_schemes: Annotated[list[SourceScheme], NoDecode] = Field(
        default_factory=_every_scheme,
        description="ENFORCE_SOURCE_SCHEMES: allowed source schemes",
    )
    source_allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="ENFORCE_SOURCE_ALLOWED_NETWORKS: networks a stream may reach even if loopback or link-local",
    )
    max_body_bytes: int = Field(
        default=1024**2, gt=0, description="ENFORCE_MAX_BODY_BYTES: request body limit (upload chunks excepted)"
    )

    case_codes: dict[str, CaseCodeSetting] = Field(
        default_factory=dict,
        description='ENFORCE_CASE_CODES, e.g. {"illegal_parking": {"major": "05", "minor": "0510"}}: case-system '
        "category codes per violation type, replacing the kind's defaults (vision/violations/<kind>.py)",
    )

    @field_validator("case_codes")
    @classmethod
    def _registered_types(cls, value: dict[str, CaseCodeSetting]) -> dict[str, CaseCodeSetting]:
        for violation_type in value:
            registry.kind_of(violation_type)  # a ValueError naming the known types
        return value

    def case_codes_for(self, violation_type: str) -> CaseCodes:
        """The configured codes of a violation type, else its kind's defaults."""
        configured = self.case_codes.get(violation_type)
        if configured is not None:
            return CaseCodes(**configured.model_dump())
        return registry.kind_of(violation_type).case_codes

    @field_validator("media_roots", "source_schemes", "source_allowed_networks", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """Environment lists may be JSON (`["a", "b"]`) or comma-separated (`a,b`)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
