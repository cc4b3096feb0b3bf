"""Wiring of the review API into the app: routers, the reviewer web page, error masking, webhook pusher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.export.webhook import RetryPolicy, run_dispatcher
from api.review.evidence import EvidenceError
from api.review.workflow import WorkflowError
from api.routes import (
    admin,
    auth,
    camera_admin,
    camera_caught,
    case_rechecks,
    case_status,
    drone,
    events,
    exports,
    reviews,
    stats,
)
from api.settings import Settings
from ingest.redact import mask_text

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).with_name("web")
WEB_CSP = ("default-src 'self'; img-src 'self' blob:; media-src 'self' blob:; object-src 'none'; "
           "frame-ancestors 'none'; base-uri 'none'")


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {_masked(k): _masked(v) for k, v in value.items()}
    return value


async def _masked_http_error(request: Request, exc: Exception) -> Response:
    """Every HTTP error of every route goes out with credentials masked in its detail."""
    assert isinstance(exc, StarletteHTTPException)
    masked = HTTPException(exc.status_code, detail=_masked(exc.detail), headers=exc.headers)
    return await http_exception_handler(request, masked)


ECHO_LIMIT = 200  # characters of an echoed input value, items of an echoed list or mapping


def _bounded(value: Any) -> Any:
    """An echoed input cut to ECHO_LIMIT, so an oversize value is named, not sent back whole."""
    if isinstance(value, str) and len(value) > ECHO_LIMIT:
        return f"{value[:ECHO_LIMIT]}... ({len(value)} characters)"
    if isinstance(value, list):
        return [_bounded(v) for v in value[:ECHO_LIMIT]]
    if isinstance(value, dict):
        return {_bounded(k): _bounded(v) for k, v in list(value.items())[:ECHO_LIMIT]}
    return value


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with every problem named, stream credentials masked and oversize values cut in the echoed input."""
    assert isinstance(exc, RequestValidationError)
    errors = _masked(jsonable_encoder(exc.errors()))  # mask whole values first: a cut could split a URL
    bounded = [{**e, "input": _bounded(e["input"])} if "input" in e else e for e in errors]
    return JSONResponse(status_code=422, content={"detail": bounded})


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    """A workflow or evidence step the event's state does not allow: its own status and reason."""
    assert isinstance(exc, WorkflowError | EvidenceError)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


def include_review_api(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _masked_http_error)
    app.add_exception_handler(WorkflowError, _refused)
    app.add_exception_handler(EvidenceError, _refused)
    routers = [auth, events, reviews, exports, case_status, case_rechecks, stats, camera_admin, camera_caught, drone]
    routers.append(admin)
    for module in routers:
        app.include_router(module.router)
    app.mount("/web", StaticFiles(directory=WEB_DIR), name="web")

    @app.middleware("http")
    async def _web_security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path.startswith("/web"):
            response.headers["Content-Security-Policy"] = WEB_CSP
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/web/index.html")


def start_webhook_dispatcher(app: FastAPI, settings: Settings) -> asyncio.Task[None] | None:
    if not settings.webhook_url:
        return None
    policy = RetryPolicy(max_attempts=settings.webhook_max_attempts, first_delay_s=settings.webhook_backoff_s)
    clock = getattr(app.state, "clock", None)
    kwargs = {"clock": clock} if clock else {}
    return asyncio.create_task(
        run_dispatcher(app.state.session_factory, policy, settings.webhook_poll_s, **kwargs)
    )


async def stop_webhook_dispatcher(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
