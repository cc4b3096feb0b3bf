"""First start of the embedded default: create an admin when there is no user at all.

No password is baked in: a random one is written to a file only its owner can read (never to the
log or the console), to be changed or replaced with `enforce user create` later.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.auth.secrets import hash_password
from api.db.base import session_scope
from api.db.models import User

log = logging.getLogger(__name__)


def bootstrap_admin(factory: sessionmaker[Session], password_file: Path) -> bool:
    """Create user 'admin' with a random password in `password_file` if the database has no user."""
    with session_scope(factory) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return False
        password = secrets.token_urlsafe(18)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        session.add(User(username="admin", display_name="administrator", role="admin",
                         password_hash=hash_password(password)))
    log.warning("no users yet: created 'admin'; its one-time password is in %s (owner-only)", password_file)
    return True
