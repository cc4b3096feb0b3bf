"""Violation kinds (read only): derived from vision.violations.registry, read by the web page."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.deps import AnyUser
from api.deps import SettingsDep
from api.routes.common import AUTH_RESPONSES
from api.schemas.kind import KindPublic
from vision.violations import registry

router = APIRouter(prefix="/kinds", tags=["kinds"])


@router.get("", response_model=list[KindPublic], responses={**AUTH_RESPONSES})
def list_kinds(user: AnyUser, settings: SettingsDep) -> list[KindPublic]:
    """Every violation kind: names, zone parameters' JSON schema, evidence needs, reject reasons and
    case-system codes (the configured ones)."""
    return [KindPublic.of(kind, settings.case_codes_for(kind.type)) for kind in registry.KINDS]
