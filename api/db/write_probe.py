"""Can the database take a write right now? Insert a row into `write_probe` and roll it back.

A `SELECT 1` succeeds on a database that refuses every write (a read-only file or mount, a full disk,
a PostgreSQL hot standby after a failover, a read-only transaction default); logins and decisions
then fail. The probe waits at most `timeout_s` for a lock, so a busy writer reads as failing rather
than hanging the health check.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from api.db.models import WriteProbe

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 30000  # as set for every connection by api.db.base.make_engine


def probe_write(engine: Engine, now: datetime, timeout_s: float = 2.0) -> bool:
    """True when a write transaction could insert a row (then rolled back, leaving nothing)."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            try:
                with conn.begin() as tx:
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
                    elif engine.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout_s * 1000)}ms'")
                        conn.exec_driver_sql(f"SET LOCAL statement_timeout = '{int(timeout_s * 2000)}ms'")
                    conn.execute(insert(WriteProbe).values(id=secrets.randbelow(2**31 - 1) + 1, at=now))
                    tx.rollback()
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        log.error("health check: database write failed: %s", type(orig).__name__)
        return False
    return True
