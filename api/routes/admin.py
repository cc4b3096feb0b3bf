"""Admin: users, API keys and the audit log."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api import audit
from api.auth.deps import AdminUser, NowDep
from api.auth.secrets import hash_password
from api.auth.service import end_login_sessions, issue_api_key
from api.db.models import ApiKey, AuditEntry, User
from api.deps import SessionDep
from api.routes.common import require_offset
from api.schemas.auth import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    AuditPage,
    AuditPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from api.schemas.ids import IdPath, IdQuery
from api.schemas.times import QueryTime

router = APIRouter(tags=["admin"])
_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not authenticated"},
    403: {"description": "Not an admin"},
}
_404: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}}


def _user_or_404(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"user {user_id} not found")
    return user


@router.get("/users", response_model=list[UserPublic], responses=_AUTH)
def list_users(admin: AdminUser, session: SessionDep) -> list[UserPublic]:
    return [UserPublic.model_validate(u) for u in session.scalars(select(User).order_by(User.id))]


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    responses={**_AUTH, 409: {"description": "Username taken"}},
)
def create_user(body: UserCreate, admin: AdminUser, session: SessionDep, now: NowDep) -> UserPublic:
    if session.scalar(select(User.id).where(User.username == body.username)) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"username {body.username!r} is taken")
    user = User(
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        password_hash=hash_password(body.password) if body.password else None,
        created_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"username {body.username!r} is taken") from None
    audit.record(session, admin, "user.create", "user", user.id, now, role=user.role, username=user.username)
    return UserPublic.model_validate(user)


@router.patch(
    "/users/{user_id}",
    response_model=UserPublic,
    responses={**_AUTH, **_404, 409: {"description": "An admin cannot demote or disable themself"}},
)
def update_user(
    user_id: IdPath, body: UserUpdate, admin: AdminUser, session: SessionDep, now: NowDep
) -> UserPublic:
    user = _user_or_404(session, user_id)
    changed = body.model_dump(exclude_unset=True, exclude_none=True)
    if user.id == admin.id and (changed.get("is_active") is False or changed.get("role", "admin") != "admin"):
        raise HTTPException(status.HTTP_409_CONFLICT, detail="an admin cannot demote or disable themself")
    password_changed = "password" in changed
    if password_changed:
        user.password_hash = hash_password(changed.pop("password"))
        changed["password"] = "changed"
    disabled = changed.get("is_active") is False and user.is_active
    role_changed = "role" in changed and changed["role"] != user.role
    for key, value in changed.items():
        if key != "password":
            setattr(user, key, value)
    if password_changed or disabled or role_changed:
        end_login_sessions(user)
        changed["sessions"] = "ended"
    audit.record(
        session, admin, "user.update", "user", user.id, now, **{k: str(v) for k, v in changed.items()}
    )
    return UserPublic.model_validate(user)


@router.post(
    "/users/{user_id}/api-keys", response_model=ApiKeyCreated, status_code=201, responses={**_AUTH, **_404}
)
def create_api_key(
    user_id: IdPath, body: ApiKeyCreate, admin: AdminUser, session: SessionDep, now: NowDep
) -> ApiKeyCreated:
    """Issue an API key. The full key is in this response only; store it now."""
    user = _user_or_404(session, user_id)
    key, row = issue_api_key(session, user, body.name, now)
    audit.record(
        session, admin, "api_key.create", "api_key", row.id, now, prefix=row.prefix, user=user.username
    )
    return ApiKeyCreated(key=key, **ApiKeyPublic.model_validate(row).model_dump())


@router.get("/api-keys", response_model=list[ApiKeyPublic], responses=_AUTH)
def list_api_keys(
    admin: AdminUser,
    session: SessionDep,
    user_id: IdQuery = None,
) -> list[ApiKeyPublic]:
    query = select(ApiKey).order_by(ApiKey.id)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    return [ApiKeyPublic.model_validate(k) for k in session.scalars(query)]


@router.delete("/api-keys/{key_id}", response_model=ApiKeyPublic, responses={**_AUTH, **_404})
def revoke_api_key(key_id: IdPath, admin: AdminUser, session: SessionDep, now: NowDep) -> ApiKeyPublic:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"API key {key_id} not found")
    if key.revoked_at is None:
        key.revoked_at = now
        audit.record(session, admin, "api_key.revoke", "api_key", key.id, now, prefix=key.prefix)
    return ApiKeyPublic.model_validate(key)


def _decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="cursor is not one this API gave out"
        ) from None


@router.get("/audit", response_model=AuditPage, responses=_AUTH)
def list_audit(
    admin: AdminUser,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=100, description="Username")] = None,
    action: Annotated[str | None, Query(max_length=64, examples=["event.approve"])] = None,
    target_type: Annotated[str | None, Query(max_length=32)] = None,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    since: QueryTime | None = None,
    until: QueryTime | None = None,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Who did what, when, to what; newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
    for column, value in (
        (AuditEntry.actor, actor),
        (AuditEntry.action, action),
        (AuditEntry.target_type, target_type),
        (AuditEntry.target_id, target_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEntry.at >= require_offset(since, "since"))
    if until is not None:
        query = query.where(AuditEntry.at < require_offset(until, "until"))
    after = _decode_cursor(cursor)
    if after is not None:
        query = query.where(AuditEntry.id < after)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = base64.urlsafe_b64encode(str(rows[-1].id).encode()).decode() if more else None
    return AuditPage(items=[AuditPublic.model_validate(r) for r in rows], next_cursor=next_cursor)
