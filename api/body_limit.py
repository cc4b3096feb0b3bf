"""A limit on request bodies: 413 before an oversize body is read into memory.

A declared Content-Length over the limit is answered at once; a body sent without one (chunked) is
counted as it arrives and refused as soon as it passes the limit. Routes that stream their body
with a limit of their own (drone upload chunks) are left to that limit.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (method, path) of the routes that stream their body and enforce their own limit
STREAMING_ROUTES = (("PATCH", re.compile(r"^/uploads/[^/]+$")),)


def _streams_itself(method: str, path: str) -> bool:
    return any(method == m and pattern.match(path) for m, pattern in STREAMING_ROUTES)


def _too_large(limit: int) -> str:
    return f"request body too large: the limit is {limit} bytes (ENFORCE_MAX_BODY_BYTES)"


class BodySizeLimit:
    """ASGI middleware: bodies over `max_bytes` get 413 Content Too Large, uploads excepted."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _streams_itself(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            response = JSONResponse({"detail": _too_large(self.max_bytes)}, status.HTTP_413_CONTENT_TOO_LARGE)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=_too_large(self.max_bytes))
            return message

        await self.app(scope, limited, send)


def _content_length(scope: dict[str, Any] | Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
