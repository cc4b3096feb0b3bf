"""Login, users, API keys and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.auth.secrets import MIN_PASSWORD_LENGTH

Role = Literal["reviewer", "integrator", "drone_operator", "case_system", "admin"]


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"username": "li.wei", "password": "correct horse battery"}]},
    )

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenPublic(BaseModel):
    access_token: str = Field(description="Send as 'Authorization: Bearer <token>'")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserPublic


class UserPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "username": "li.wei",
                    "display_name": "李伟",
                    "role": "reviewer",
                    "is_active": True,
                    "created_at": "2026-05-01T08:00:00Z",
                }
            ]
        },
    )

    id: int
    username: str
    display_name: str
    role: str
    is_active: bool
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "li.wei",
                    "display_name": "李伟",
                    "role": "reviewer",
                    "password": "correct horse battery",
                }
            ]
        },
    )

    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    display_name: str = Field(default="", max_length=200)
    role: Role
    password: str | None = Field(
        default=None,
        min_length=MIN_PASSWORD_LENGTH,
        max_length=1024,
        description="Omit for a key-only (machine) user",
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"is_active": False}]})

    display_name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "case-system sync"}]})

    name: str = Field(default="", max_length=100)


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str = Field(description="Visible part of the key: enf_<prefix>_...", examples=["3f9a0c1d"])
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(
        description="The full key. Shown this once; only its hash is stored.",
        examples=["enf_3f9a0c1d_Jx0..."],
    )


class AuditPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 17,
                    "at": "2026-05-01T08:03:11Z",
                    "actor_id": 3,
                    "actor": "li.wei",
                    "action": "event.approve",
                    "target_type": "event",
                    "target_id": "01JAB3C4D5E6F7G8H9J0K1M2N3",
                    "detail": {"reason_code": ""},
                }
            ]
        },
    )

    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, str]


class AuditPage(BaseModel):
    items: list[AuditPublic]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next (older) page")
