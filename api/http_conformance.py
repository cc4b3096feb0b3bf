"""Answers every route shares, stated once: a 405 names all the methods its path allows (`Allow`); a query
parameter the operation does not document, or a single-valued one given twice, is a 422 (a typo such as
`?camera=` must not silently widen a search); and the OpenAPI document lists the shared answers a route
does not declare itself: 401 where a token is needed, 400 where a body cannot be parsed, and error bodies
whose `detail` is a message or a list."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_DETAIL = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/ValidationError"}, {"type": "string"}]}},
    ],
    "title": "Detail",
    "description": "What was wrong: a message, or one entry per problem",
}


def allowed_methods(app: FastAPI, scope: dict[str, Any]) -> list[str]:
    """Every method the app answers on this request's path: its documented operations (routers included
    into the app are matched through the OpenAPI paths) and its top-level routes (the docs pages)."""
    methods: set[str] = set()
    for route in app.router.routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            methods |= set(route_methods)
    for pattern, documented in _documented_paths(app):
        if pattern.fullmatch(scope["path"]):
            methods |= documented
    return sorted(methods)


def check_query(request: Request) -> None:
    """App-wide dependency: the query holds only the operation's documented parameters, each once
    unless it is a list."""
    documented = _documented_query(request.app, request.url.path, request.method)
    if documented is None:
        return
    problems = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in documented:
            takes = ", ".join(sorted(documented)) or "no query parameters"
            problems.append({"type": "unknown_query_parameter", "loc": ["query", name],
                             "msg": f"unknown query parameter; this operation takes: {takes}"})
        elif not documented[name] and len(request.query_params.getlist(name)) > 1:
            problems.append({"type": "repeated_query_parameter", "loc": ["query", name],
                             "msg": "give this parameter once"})
    if problems:
        raise HTTPException(422, detail=problems)


def _documented_query(app: FastAPI, path: str, method: str) -> dict[str, bool] | None:
    """The operation's query parameters (name -> whether it takes a list), or None if undocumented."""
    cached: dict[tuple[str, str], dict[str, bool]] | None = getattr(app.state, "documented_query", None)
    if cached is None:
        cached = {}
        for template, operations in app.openapi().get("paths", {}).items():
            for verb, operation in operations.items():
                if verb in _METHODS:
                    cached[(template, verb.upper())] = {
                        p["name"]: _is_list(p.get("schema", {}))
                        for p in operation.get("parameters", [])
                        if p.get("in") == "query"
                    }
        app.state.documented_query = cached
    for pattern, template in _templates(app):
        if pattern.fullmatch(path) and (template, method.upper()) in cached:
            return cached[(template, method.upper())]
    return None


def _is_list(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array" or any(_is_list(s) for s in schema.get("anyOf", []))


def _templates(app: FastAPI) -> list[tuple[re.Pattern[str], str]]:
    cached: list[tuple[re.Pattern[str], str]] | None = getattr(app.state, "path_templates", None)
    if cached is None:
        cached = [(_template_pattern(path), path) for path in app.openapi().get("paths", {})]
        app.state.path_templates = cached
    return cached


def _documented_paths(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    cached: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "documented_paths", None)
    if cached is None:
        cached = [
            (_template_pattern(path), {m.upper() for m in operations if m in _METHODS})
            for path, operations in app.openapi().get("paths", {}).items()
        ]
        app.state.documented_paths = cached
    return cached


def _template_pattern(path: str) -> re.Pattern[str]:
    """'/events/{event_id}/media/{file_path}' -> a pattern; a parameter named *path may span folders."""
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join(
        (".+" if part[1:-1].endswith("path") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    allow = allowed_methods(request.app, dict(request.scope))
    return JSONResponse(
        {"detail": f"{request.method} is not allowed here; allowed: {', '.join(allow)}"},
        status_code=405,
        headers={"Allow": ", ".join(allow)},
    )


def document_shared_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared answers to an OpenAPI document (in place) and return it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "HTTPValidationError" in components:
        components["HTTPValidationError"]["properties"]["detail"] = _DETAIL
    for operations in schema.get("paths", {}).values():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", {"description": "Not authenticated, or the token is not valid"})
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The body could not be parsed"})
    return schema


def install_shared_answers(app: FastAPI) -> None:
    app.add_exception_handler(405, _method_not_allowed)

    built = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_shared_answers(built())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
