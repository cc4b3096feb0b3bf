"""Who is calling: resolve a bearer token (login session or API key) to an active user.

A login token carries the user's `session_epoch` from when it was issued. `end_login_sessions` bumps
the epoch (password change, disable, role change), so every older token is refused from then on,
also after the user is re-enabled. API keys are machine credentials listed and revoked one by one
(`DELETE /api-keys/{id}`); they stop working while their user is disabled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.secrets import (
    api_key_matches,
    api_key_prefix,
    new_api_key,
    new_login_token,
    sha256_hex,
    verify_password,
)
from api.db.models import ApiKey, LoginSession, User

LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_password(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        return None
    return user


def open_login_session(session: Session, user: User, now: datetime, ttl_s: int) -> tuple[str, LoginSession]:
    token = new_login_token()
    row = LoginSession(
        user_id=user.id,
        token_hash=sha256_hex(token),
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
        session_epoch=user.session_epoch or 0,
    )
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, expired or revoked)."""
    prefix = api_key_prefix(token)
    if prefix is not None:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if key is None or key.revoked_at is not None or not api_key_matches(token, key.key_hash):
            return None
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            key.last_used_at = now  # coarse, so that reads by API key do not all become writes
        user = session.get(User, key.user_id)
    else:
        login = session.scalar(select(LoginSession).where(LoginSession.token_hash == sha256_hex(token)))
        if login is None or login.revoked_at is not None or login.expires_at <= now:
            return None
        user = session.get(User, login.user_id)
        if user is not None and login.session_epoch != user.session_epoch:
            return None  # issued before a password change, disable or role change
    return user if user is not None and user.is_active else None


def end_login_sessions(user: User) -> None:
    """Refuse every login token issued to `user` so far (they must log in again)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def revoke_login_token(session: Session, token: str, now: datetime) -> bool:
    login = session.scalar(select(LoginSession).where(LoginSession.token_hash == sha256_hex(token)))
    if login is None or login.revoked_at is not None:
        return False
    login.revoked_at = now
    return True


def issue_api_key(session: Session, user: User, name: str, now: datetime) -> tuple[str, ApiKey]:
    new = new_api_key()
    row = ApiKey(user_id=user.id, name=name, prefix=new.prefix, key_hash=new.key_hash, created_at=now)
    session.add(row)
    session.flush()
    return new.key, row
