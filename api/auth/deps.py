"""Route dependencies: the current user from a bearer token, and role checks.

`Authorization: Bearer <token>` carries either a login token (from POST /auth/login) or an API key
(`enf_...`). No or a bad token is 401; a valid token without the needed role is 403. Admins pass
every role check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.service import user_for_token
from api.db.base import utcnow
from api.db.models import User
from api.deps import SessionDep

bearer_scheme = HTTPBearer(
    auto_error=False, description="Login token from POST /auth/login, or an API key enf_..."
)


def get_now(request: Request) -> datetime:
    """The server's clock, replaceable in tests (app.state.clock)."""
    clock: Callable[[], datetime] = getattr(request.app.state, "clock", utcnow)
    return clock()


NowDep = Annotated[datetime, Depends(get_now)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(
    session: SessionDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorized("not authenticated: send 'Authorization: Bearer <token or API key>'")
    user = user_for_token(session, credentials.credentials, now)
    if user is None:
        raise _unauthorized("invalid, expired or revoked token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: str) -> Callable[[User], User]:
    allowed = set(roles) | {"admin"}

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {user.role!r} may not do this; needs one of: {', '.join(sorted(allowed))}",
            )
        return user

    return check


ReviewerUser = Annotated[User, Depends(require_role("reviewer"))]
IntegratorUser = Annotated[User, Depends(require_role("integrator"))]
DroneUser = Annotated[User, Depends(require_role("drone_operator"))]
CaseSystemUser = Annotated[User, Depends(require_role("case_system"))]
AdminUser = Annotated[User, Depends(require_role())]
AnyUser = CurrentUser
