"""Password login for the web page: an expiring bearer token; logout revokes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import func, select

from api import audit
from api.auth.deps import CurrentUser, NowDep, bearer_scheme
from api.auth.service import authenticate_password, open_login_session, revoke_login_token
from api.db.models import AuditEntry
from api.deps import SessionDep, SettingsDep
from api.schemas.auth import LoginRequest, TokenPublic, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])
_401: dict[int | str, dict[str, Any]] = {401: {"description": "Not authenticated"}}


MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def _recent_failures(session: SessionDep, username: str, now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "auth.login_failed",
            AuditEntry.target_id == username[:64],
            AuditEntry.at > now - FAILED_LOGIN_WINDOW,
        )
    )
    return int(session.scalar(query) or 0)


@router.post(
    "/login",
    response_model=TokenPublic,
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed attempts for this user name; wait 15 minutes"},
    },
)
def login(body: LoginRequest, session: SessionDep, settings: SettingsDep, now: NowDep) -> TokenPublic:
    """Password login; the token expires after ENFORCE_SESSION_TTL_S (default 8 h)."""
    if _recent_failures(session, body.username, now) >= MAX_FAILED_LOGINS:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed logins for this user name; try again in 15 minutes",
        )
    user = authenticate_password(session, body.username, body.password)
    if user is None:
        audit.record(session, None, "auth.login_failed", "user", body.username[:64], now)
        session.commit()
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token, row = open_login_session(session, user, now, settings.session_ttl_s)
    audit.record(session, user, "auth.login", "user", user.id, now)
    return TokenPublic(access_token=token, expires_at=row.expires_at, user=UserPublic.model_validate(user))


@router.post("/logout", status_code=204, responses=_401)
def logout(
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> None:
    """Revoke the login token used for this call (API keys are revoked by an admin instead)."""
    if credentials is not None and revoke_login_token(session, credentials.credentials, now):
        audit.record(session, user, "auth.logout", "user", user.id, now)


@router.get("/me", response_model=UserPublic, responses=_401)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)
