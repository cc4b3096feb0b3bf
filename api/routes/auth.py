"""Password login for the web page: an expiring bearer token; logout revokes it."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials

from api import audit
from api.auth import throttle
from api.auth.client import client_address
from api.auth.deps import CurrentUser, NowDep, bearer_scheme
from api.auth.service import authenticate_password, open_login_session, revoke_login_token
from api.deps import SessionDep, SettingsDep
from api.schemas.auth import LoginRequest, TokenPublic, UserPublic

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
_401: dict[int | str, dict[str, Any]] = {401: {"description": "Not authenticated"}}


@router.post(
    "/login",
    response_model=TokenPublic,
    responses={
        401: {"description": "Wrong username or password"},
        429: {
            "description": "Too many failed logins from this address (or from it for this user name); "
            "wait the Retry-After seconds",
            "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
        },
        503: {"description": "The database cannot take writes just now; retry after Retry-After seconds"},
    },
)
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> TokenPublic:
    """Password login; the token expires after ENFORCE_SESSION_TTL_S (default 8 h).

    Failed logins are throttled per client address, per (address, user name) and, as a slow-down that
    never stops a correct password from an address with no failures for the name, per user name.
    """
    client = client_address(request, frozenset(settings.trusted_proxies))
    wait = throttle.retry_after_s(session, client, body.username, now)
    if wait is not None:
        log.warning("login throttled for %s s (client %s)", wait, client)
        raise _too_many(wait)
    user = authenticate_password(session, body.username, body.password)
    if user is None:
        wait = throttle.record_failure(session, client, body.username, now)
        detail = {"client": client} | ({"blocked_s": str(wait)} if wait else {})
        audit.record(session, None, "auth.login_failed", "user", body.username[:64], now, **detail)
        session.commit()
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    throttle.record_success(session, client, body.username)
    token, row = open_login_session(session, user, now, settings.session_ttl_s)
    audit.record(session, user, "auth.login", "user", user.id, now, client=client)
    return TokenPublic(access_token=token, expires_at=row.expires_at, user=UserPublic.model_validate(user))


def _too_many(wait_s: int) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail=f"too many failed logins; try again in {wait_s} s",
        headers={"Retry-After": str(wait_s)},
    )


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
