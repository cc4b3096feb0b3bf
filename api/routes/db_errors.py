"""Database errors as HTTP answers, for every route in one place (installed by the app factory).

- IntegrityError → 409 naming the table and field that conflict: two requests creating the same
  camera id or survey-area name at the same moment both pass the route's own check, and the database's
  unique constraint refuses the second.
- The database unavailable, locked, read-only or out of space (OperationalError and its relatives)
  → 503 with Retry-After; the write probe of `/health` reports the same state.
- A value the database cannot store (DataError, e.g. a NUL character for PostgreSQL) → 422.

Nothing from the driver's message reaches the client (it can hold SQL and parameter values); the
log gets the error class, SQLSTATE and the first line, with stream credentials masked.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from ingest.redact import mask_text

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: a read-only transaction or a hot standby refused a write
_SQLITE_CONSTRAINT = re.compile(r"(UNIQUE|NOT NULL|CHECK) constraint failed: (.+)")
_PG_KEY = re.compile(r"Key \((.+?)\)=")
_PG_KINDS = {"23505": "unique", "23503": "foreign key", "23502": "not null", "23514": "check"}


@dataclass(frozen=True)
class Conflict:
    """What an IntegrityError says, without any of the values involved."""

    kind: str  # unique / foreign key / not null / check / constraint
    table: str | None
    columns: tuple[str, ...]

    def message(self) -> str:
        table = self.table or "row"
        fields = ", ".join(f"{self.table}.{c}" if self.table else c for c in self.columns) or "a constraint"
        if self.kind == "unique":
            noun = table.replace("_", " ").removesuffix("s")
            names = ", ".join(self.columns) or "key"
            return (f"conflict: a {noun} with this {names} already exists ({fields} must be unique); "
                    "another request may have created it at the same moment")
        if self.kind == "foreign key":
            return f"conflict: {fields} refers to a row that does not exist (or was just deleted)"
        return f"conflict: the change breaks the {self.kind} constraint on {fields}"


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def describe_conflict(exc: IntegrityError) -> Conflict:
    sqlstate = _sqlstate(exc)
    if sqlstate is not None:  # PostgreSQL: the driver's diagnostics name table and column
        diag = getattr(exc.orig, "diag", None)
        table = getattr(diag, "table_name", None)
        detail = getattr(diag, "message_detail", None) or ""
        column = getattr(diag, "column_name", None)
        key = _PG_KEY.search(detail)
        columns = tuple(c.strip() for c in key.group(1).split(",")) if key else ((column,) if column else ())
        return Conflict(_PG_KINDS.get(sqlstate, "constraint"), table, columns)
    text = str(exc.orig).splitlines()[0] if str(exc.orig) else ""
    match = _SQLITE_CONSTRAINT.search(text)
    if match is None:
        return Conflict("foreign key" if "FOREIGN KEY" in text else "constraint", None, ())
    kind, names = match.group(1).lower(), [n.strip() for n in match.group(2).split(",")]
    if kind == "check":
        return Conflict(kind, None, tuple(names))
    tables = {n.partition(".")[0] for n in names}
    table = tables.pop() if len(tables) == 1 else None
    return Conflict(kind, table, tuple(n.partition(".")[2] or n for n in names))


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot serve this just now (down, locked, read-only, full): worth a retry."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, InternalError) and _sqlstate(exc) == READ_ONLY_SQLSTATE


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return mask_text(str(orig).splitlines()[0][:200]) if str(orig) else ""


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntegrityError)
    conflict = describe_conflict(exc)
    log.info("409 on %s %s: %s constraint on %s.%s", request.method, request.url.path, conflict.kind,
             conflict.table, ",".join(conflict.columns))
    return JSONResponse(status_code=409, content={"detail": conflict.message()})


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    if not is_unavailable(exc):
        raise exc  # another internal error: the server error handler logs it with its traceback
    orig = getattr(exc, "orig", None)
    log.error("503 on %s %s: database unavailable: %s %s %s", request.method, request.url.path,
              type(orig or exc).__name__, _sqlstate(exc) if isinstance(exc, DBAPIError) else "", _first_line(exc))
    return JSONResponse(
        status_code=503,
        content={"detail": "the database is unavailable or cannot take writes just now; "
                           f"retry in {RETRY_AFTER_S} s"},
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _unstorable_value(request: Request, exc: Exception) -> JSONResponse:
    """A value the database refuses (e.g. a NUL character for PostgreSQL) is bad input, not a crash."""
    log.warning("refused unstorable input on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse(status_code=422, content={
        "detail": "a value in the request cannot be stored (for example, it contains a NUL character)"})


def install_database_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(DataError, _unstorable_value)
    for error in (OperationalError, InterfaceError, InternalError, PoolTimeoutError):
        app.add_exception_handler(error, _unavailable)
