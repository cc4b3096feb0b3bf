"""Failed-login throttling that slows password guessing without letting anyone lock a real user out.

Failures are counted under three keys, each with its own exponential backoff:

- the client address: every failure from it, whatever the user name (stops one machine guessing
  across many names); it allows more free failures, since an office may share one address;
- the (address, user name) pair: one machine guessing one name;
- the user name: failures from everywhere (a guessing network). This one is only a slow-down: it
  holds back addresses that have already failed for this name, while an address with no failures
  for the name still gets its password checked. So the owner, typing the right password from their
  own machine, always gets in, however many bad passwords others send for the name; a network of
  attackers gets at most one guess per address while the name is held back.

While a key is held back its logins answer 429 with Retry-After, and nothing is checked or counted:
waiting out the delay is the only way on, and each further failure doubles the next delay up to the
key's cap. Failures are forgotten `forget_after` after the last one; a correct password clears the
pair and the user name (never the address, or an attacker could clear it with an account of their
own). Keys are stored hashed, so a password typed into the user-name field is not kept here.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.db.models import LoginThrottle


@dataclass(frozen=True)
class Backoff:
    """`free` failures cost nothing; the next waits `first_s`, and each one after it twice as long."""

    free: int
    first_s: float
    max_s: float

    def delay_s(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return float(min(self.max_s, self.first_s * 2 ** min(failures - self.free, 32)))


@dataclass(frozen=True)
class ThrottlePolicy:
    address: Backoff = field(default_factory=lambda: Backoff(free=20, first_s=1.0, max_s=3600.0))
    pair: Backoff = field(default_factory=lambda: Backoff(free=5, first_s=1.0, max_s=900.0))
    user: Backoff = field(default_factory=lambda: Backoff(free=10, first_s=1.0, max_s=60.0))
    forget_after: timedelta = timedelta(hours=6)


@dataclass(frozen=True)
class Keys:
    address: str
    pair: str
    user: str

    @classmethod
    def of(cls, client: str, username: str) -> Keys:
        def digest(*parts: str) -> str:
            return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

        return cls(digest("address", client), digest("pair", client, username), digest("user", username))


def _live(row: LoginThrottle | None, now: datetime, policy: ThrottlePolicy) -> LoginThrottle | None:
    """The row if its failures still count (the last one is more recent than `forget_after`)."""
    if row is None or row.last_failure_at <= now - policy.forget_after:
        return None
    return row


def _remaining_s(row: LoginThrottle | None, now: datetime) -> float:
    if row is None or row.blocked_until is None:
        return 0.0
    return max(0.0, (row.blocked_until - now).total_seconds())


def retry_after_s(session: Session, client: str, username: str, now: datetime,
                  policy: ThrottlePolicy | None = None) -> int | None:
    """Whole seconds this login attempt must wait, or None when its password may be checked."""
    policy = policy or ThrottlePolicy()
    keys = Keys.of(client, username)
    rows = {
        row.key_hash: row
        for row in session.scalars(
            select(LoginThrottle).where(LoginThrottle.key_hash.in_([keys.address, keys.pair, keys.user]))
        )
    }
    address = _live(rows.get(keys.address), now, policy)
    pair = _live(rows.get(keys.pair), now, policy)
    user = _live(rows.get(keys.user), now, policy)
    wait = max(_remaining_s(address, now), _remaining_s(pair, now))
    if pair is not None:  # this address has failed for this name: the name's slow-down applies to it
        wait = max(wait, _remaining_s(user, now))
    return math.ceil(wait) if wait > 0 else None


def _locked_row(session: Session, key_hash: str, scope: str, now: datetime) -> LoginThrottle:
    """The key's row, created if missing and locked for update (PostgreSQL) against concurrent failures."""
    values = {"key_hash": key_hash, "scope": scope, "failures": 0, "last_failure_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(LoginThrottle).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(LoginThrottle).values(values).on_conflict_do_nothing())
    elif session.get(LoginThrottle, key_hash) is None:
        session.add(LoginThrottle(**values))
        session.flush()
    query = (
        select(LoginThrottle)
        .where(LoginThrottle.key_hash == key_hash)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def record_failure(session: Session, client: str, username: str, now: datetime,
                   policy: ThrottlePolicy | None = None) -> int | None:
    """Count a wrong password; returns the whole seconds the attempt's own address must now wait."""
    policy = policy or ThrottlePolicy()
    keys = Keys.of(client, username)
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at <= now - policy.forget_after))
    waits: dict[str, float] = {}
    for scope, key_hash, backoff in (
        ("address", keys.address, policy.address),
        ("pair", keys.pair, policy.pair),
        ("user", keys.user, policy.user),
    ):
        row = _locked_row(session, key_hash, scope, now)
        failures = (row.failures if _live(row, now, policy) is not None else 0) + 1
        delay = backoff.delay_s(failures)
        row.failures, row.last_failure_at = failures, now
        row.blocked_until = now + timedelta(seconds=delay) if delay > 0 else None
        waits[scope] = delay
    wait = max(waits.values())  # this address now has a failure for the name, so the name's wait applies
    session.flush()
    return math.ceil(wait) if wait > 0 else None


def record_success(session: Session, client: str, username: str) -> None:
    """A correct password clears the pair and the name (the address keeps its count)."""
    keys = Keys.of(client, username)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash.in_([keys.pair, keys.user])))
