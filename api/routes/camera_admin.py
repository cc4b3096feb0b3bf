"""Camera integrators: create, update, disable cameras and their zones; the connectivity snapshot.

Bodies are validated by the same pydantic models as configs/cameras.yaml (CameraConfig, ZoneConfig).
Editing a camera that came from the YAML takes it over: its origin becomes 'api' and the file no
longer overwrites it at start. Saving a camera's zones forgets the view the analyzer remembered for
them (`camera_views`): the integrator, who drew or re-saved them on the picture the camera shows now,
accepts that view, and the analyzer remembers a fresh picture of it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import cv2
import numpy as np
from fastapi import APIRouter, Body, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import object_session

from api import audit
from api.auth.deps import IntegratorUser, NowDep
from api.db.camera_config import camera_config_dict as _config_of
from api.db.models import Camera, CameraView, Event, User
from api.db.seed import _camera_fields
from api.db.zones import zone_row
from api.deps import SessionDep, SettingsDep, SourcePolicyDep
from api.routes.common import AUTH_RESPONSES
from api.schemas.camera import CameraPublic
from api.source_policy import SourcePolicy, SourceRefused, SourceUnresolved, file_source_path
from ingest.config import CameraConfig, Location
from ingest.config.camera import (
    MAX_DETECTOR_NAME,
    MAX_DETECTORS,
    MAX_NAME,
    MAX_SOURCE,
    MAX_TIMEZONE,
    MAX_ZONES,
)
from ingest.redact import mask_text
from ingest.snapshot import SnapshotError, SnapshotTimeout, grab_snapshot
from vision.view_memory import zones_key
from vision.violations.unions import ZoneConfig

log = logging.getLogger(__name__)
router = APIRouter(prefix="/cameras", tags=["cameras"])
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such camera"}}
_422: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid camera, or a source the source policy refuses"}
}

_CAMERA_EXAMPLE = {
    "id": "renmin-rd-03",
    "name": "人民路 3号杆",
    "source": "rtsp://viewer:secret@10.0.0.5:554/Streaming/101",
    "timezone": "Asia/Shanghai",
    "location": {
        "lat": 30.274,
        "lon": 120.155,
        "address": "人民路 128号",
        "grid_code": "330102001003",
        "responsible_unit": "上城区城管执法队",
    },
    "analysis_fps": 2,
    "detectors": ["street"],
    "zones": [
        {
            "name": "curb",
            "kind": "no_parking",
            "dwell_seconds": 300,
            "photo_interval_seconds": 60,
            "polygon": [[0.1, 0.6], [0.6, 0.55], [0.7, 0.95], [0.1, 0.95]],
            "active_hours": ["07:00-22:00"],
        }
    ],
}


class CameraPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": False}]})

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    source: str | None = Field(default=None, max_length=MAX_SOURCE)
    timezone: str | None = Field(default=None, max_length=MAX_TIMEZONE)
    location: Location | None = None
    analysis_fps: float | None = None
    decode: str | None = Field(default=None, max_length=16)
    detection_zoom: float | None = None
    enabled: bool | None = None
    detectors: list[Annotated[str, Field(max_length=MAX_DETECTOR_NAME)]] | None = Field(
        default=None, max_length=MAX_DETECTORS
    )


def _validate(data: dict[str, Any]) -> CameraConfig:
    try:
        return CameraConfig.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {mask_text(e['msg'])}" for e in exc.errors()
        ]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=problems) from None


def _verify_detectors(request: Request, cfg: CameraConfig) -> None:
    known = getattr(getattr(request.app.state, "app_config", None), "detectors", None) or {}
    for index, name in enumerate(cfg.detectors):
        if name not in known:
            defined = ", ".join(sorted(known)) or "(none)"
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=[f"detectors.{index}: detector {name!r} is not defined; defined: {defined}"],
            )


def _verify_source(policy: SourcePolicy, cfg: CameraConfig) -> None:
    """A camera's source must pass the source policy (schemes, media roots, networks)."""
    try:
        policy.check(cfg.source, require_resolution=False)
    except SourceRefused as exc:
        log.warning("camera %s: source %s refused by the source policy: %s", cfg.id, cfg.source, exc)
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[f"source: refused by the source policy: {exc}"]
        ) from None


def _absolute_file_source(cfg: CameraConfig, project_root: Path) -> CameraConfig:
    """A relative `file:` source is read from the project root and stored absolute; a file that is not
    there is refused, naming the path looked at."""
    path = file_source_path(cfg.source, project_root.resolve())
    if path is None:
        return cfg
    if not path.is_file():
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[
                f"source: file {path} does not exist (a relative file: path is read from the project root "
                f"{project_root.resolve()})"
            ],
        )
    return cfg.model_copy(update={"source": f"file:{path}"})


def _run_now(request: Request, session: SessionDep, camera_id: str) -> None:
    """Commit, then start / restart / stop the camera in the running pipeline (when there is one)."""
    control = getattr(request.app.state, "camera_control", None)
    if control is None:
        return
    session.commit()
    outcome = control.apply(camera_id)
    log.info("camera %s: %s without a restart", camera_id, outcome)


def _apply(camera: Camera, cfg: CameraConfig) -> None:
    for key, value in _camera_fields(cfg).items():
        setattr(camera, key, value)
    camera.zones.clear()
    session = object_session(camera)
    if session is not None:
        session.flush()  # delete the old zones before inserting new ones with the same names
    camera.zones.extend(zone_row(z, i) for i, z in enumerate(cfg.zones))
    camera.origin = "api"


def _forget_view(session: SessionDep, camera_id: str) -> None:
    """Zones saved through the API accept the view the camera shows now: the remembered one goes, in the
    same transaction as the zones."""
    session.execute(delete(CameraView).where(CameraView.camera_id == camera_id))


def _camera_or_404(session: SessionDep, camera_id: str) -> Camera:
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"camera {camera_id!r} not found")
    return camera


@router.post(
    "",
    response_model=CameraPublic,
    status_code=201,
    responses={**AUTH_RESPONSES, 409: {"description": "Camera id taken"}, **_422},
)
def create_camera(
    request: Request,
    user: IntegratorUser,
    session: SessionDep,
    settings: SettingsDep,
    policy: SourcePolicyDep,
    now: NowDep,
    body: Annotated[
        dict[str, Any],
        Body(
            openapi_examples={"camera": {"value": _CAMERA_EXAMPLE}},
            description="A camera as in configs/cameras.yaml",
        ),
    ],
) -> CameraPublic:
    """Register a camera with its zones. Validation is the YAML's; the source is masked in the reply."""
    cfg = _absolute_file_source(_validate(body), settings.project_root)
    _verify_detectors(request, cfg)
    _verify_source(policy, cfg)
    if session.get(Camera, cfg.id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"camera id {cfg.id!r} is taken")
    camera = Camera(id=cfg.id, zones=[])
    _apply(camera, cfg)
    session.add(camera)
    session.flush()
    audit.record(session, user, "camera.create", "camera", cfg.id, now, source=cfg.source)
    public = CameraPublic.from_row(camera)
    _run_now(request, session, cfg.id)
    return public


@router.put("/{camera_id}", response_model=CameraPublic, responses={**AUTH_RESPONSES, **_404, **_422})
def replace_camera(
    camera_id: str,
    request: Request,
    user: IntegratorUser,
    session: SessionDep,
    settings: SettingsDep,
    policy: SourcePolicyDep,
    now: NowDep,
    body: Annotated[dict[str, Any], Body(openapi_examples={"camera": {"value": _CAMERA_EXAMPLE}})],
) -> CameraPublic:
    """Replace a camera and its zones (those of the body; none when it has none). The body's id must match
    the path. Like `PUT /cameras/{id}/zones`, this accepts the view the camera shows now: the view the
    analyzer remembered for the zones is forgotten and a fresh picture is remembered."""
    camera = _camera_or_404(session, camera_id)
    cfg = _absolute_file_source(_validate({**body, "id": body.get("id", camera_id)}), settings.project_root)
    if cfg.id != camera_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=["id: does not match the path"])
    _verify_detectors(request, cfg)
    _verify_source(policy, cfg)
    _apply(camera, cfg)
    _forget_view(session, camera_id)
    audit.record(session, user, "camera.replace", "camera", camera_id, now, source=cfg.source)
    session.flush()
    public = CameraPublic.from_row(camera)
    _run_now(request, session, camera_id)
    return public


@router.patch("/{camera_id}", response_model=CameraPublic, responses={**AUTH_RESPONSES, **_404, **_422})
def update_camera(
    camera_id: str,
    body: CameraPatch,
    request: Request,
    user: IntegratorUser,
    session: SessionDep,
    settings: SettingsDep,
    policy: SourcePolicyDep,
    now: NowDep,
) -> CameraPublic:
    """Change some fields (e.g. `{"enabled": false}` to disable); the result is re-validated whole.
    The source is checked when it changes or the camera stays enabled, so a bad one can be disabled.
    Zones are not changed here (use `PUT /cameras/{id}/zones`), so the view the analyzer remembered for
    them is kept."""
    camera = _camera_or_404(session, camera_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    cfg = _validate({**_config_of(camera), **changes})
    if "source" in changes:
        cfg = _absolute_file_source(cfg, settings.project_root)
    _verify_detectors(request, cfg)
    if "source" in changes or cfg.enabled:
        _verify_source(policy, cfg)
    _apply(camera, cfg)
    audit.record(session, user, "camera.update", "camera", camera_id, now, fields=",".join(sorted(changes)))
    session.flush()
    public = CameraPublic.from_row(camera)
    _run_now(request, session, camera_id)
    return public


@router.put("/{camera_id}/zones", response_model=CameraPublic, responses={**AUTH_RESPONSES, **_404, **_422})
def replace_zones(
    camera_id: str,
    zones: Annotated[list[ZoneConfig], Body(max_length=MAX_ZONES)],
    request: Request,
    user: IntegratorUser,
    session: SessionDep,
    policy: SourcePolicyDep,
    now: NowDep,
) -> CameraPublic:
    """Replace all zones of a camera (polygons in normalised image coordinates). Saving zones, even
    unchanged ones, accepts the view the camera shows now: the view the analyzer remembered for the
    zones is forgotten and it remembers a fresh picture. Re-save the zones after checking them on a
    snapshot when a camera was turned on purpose."""
    camera = _camera_or_404(session, camera_id)
    cfg = _validate({**_config_of(camera), "zones": [z.model_dump(mode="json") for z in zones]})
    if cfg.enabled:
        _verify_source(policy, cfg)
    _apply(camera, cfg)
    _forget_view(session, camera_id)
    audit.record(
        session, user, "camera.zones", "camera", camera_id, now, zones=",".join(z.name for z in zones)
    )
    session.flush()
    public = CameraPublic.from_row(camera)
    _run_now(request, session, camera_id)
    return public


Outcome = Literal["ok", "refused", "failed", "timeout"]


@dataclass(frozen=True)
class _Tried:
    """One try at the camera's source: the JPEG, or the outcome, the masked reason and the HTTP status."""

    jpeg: bytes | None
    outcome: Outcome
    detail: str
    code: int
    elapsed_s: float


async def _try_source(camera: Camera, policy: SourcePolicy, timeout: float) -> _Tried:
    started = time.monotonic()
    try:
        source = await asyncio.to_thread(policy.check, camera.source_url)
        jpeg = await asyncio.to_thread(grab_snapshot, source, timeout)
    except SourceUnresolved as exc:
        outcome: Outcome = "failed"
        detail, code = f"could not open the source: {exc}", status.HTTP_502_BAD_GATEWAY
    except SourceRefused as exc:
        outcome, detail = "refused", f"camera source refused by the source policy: {exc}"
        code = status.HTTP_422_UNPROCESSABLE_CONTENT
    except SnapshotTimeout as exc:
        outcome, detail, code = "timeout", str(exc), status.HTTP_504_GATEWAY_TIMEOUT
    except SnapshotError as exc:
        outcome, detail, code = "failed", str(exc), status.HTTP_502_BAD_GATEWAY
    else:
        return _Tried(jpeg, "ok", "", status.HTTP_200_OK, time.monotonic() - started)
    return _Tried(None, outcome, mask_text(detail), code, time.monotonic() - started)


def _audit_try(session: SessionDep, user: User, camera: Camera, now: datetime, action: str, tried: _Tried) -> None:
    if tried.jpeg is None:
        log.warning("%s of camera %s by %s %s: %s", action, camera.id, user.username, tried.outcome, tried.detail)
        audit.record(
            session,
            user,
            action,
            "camera",
            camera.id,
            now,
            result=tried.outcome,
            source=camera.source_url,
            reason=tried.detail[:300],
        )
    else:
        audit.record(session, user, action, "camera", camera.id, now, result="ok", source=camera.source_url)
    session.commit()


@router.post(
    "/{camera_id}/snapshot",
    response_class=Response,
    responses={
        **AUTH_RESPONSES,
        **_404,
        200: {"content": {"image/jpeg": {}}, "description": "One frame"},
        422: {"description": "The camera's source is refused by the source policy"},
        502: {"description": "Stream could not be opened"},
        504: {"description": "No frame within the timeout"},
    },
)
async def snapshot(
    camera_id: str,
    user: IntegratorUser,
    session: SessionDep,
    settings: SettingsDep,
    policy: SourcePolicyDep,
    now: NowDep,
    timeout_s: Annotated[float | None, Query(gt=0, le=60)] = None,
) -> Response:
    """Open the stream, grab one frame, return it as JPEG (the zone editor's picture). The source is
    checked against the source policy first; every try is audited with its outcome, like evidence access."""
    camera = _camera_or_404(session, camera_id)
    tried = await _try_source(camera, policy, timeout_s or settings.snapshot_timeout_s)
    _audit_try(session, user, camera, now, "camera.snapshot", tried)
    if tried.jpeg is None:
        raise HTTPException(tried.code, detail=tried.detail)
    return Response(tried.jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get(
    "/{camera_id}/view",
    response_class=Response,
    responses={
        **AUTH_RESPONSES,
        200: {
            "content": {"image/jpeg": {}},
            "description": "The remembered picture; `X-View-Taken-At` is its capture time (ISO 8601, UTC)",
        },
        404: {"description": "No such camera, or no view remembered for its current zones"},
    },
)
def remembered_view(camera_id: str, user: IntegratorUser, session: SessionDep) -> Response:
    """The picture the camera's analysis remembers as the view its zones fit (640 px wide; refreshed while
    the camera shows it). A camera that shows another view makes no case until it is pointed back or its
    zones are saved again: put this beside a snapshot to see which. None before the camera's analysis has
    confirmed its view once, and none for zones changed since."""
    camera = _camera_or_404(session, camera_id)
    row = session.get(CameraView, camera_id)
    if row is None or row.zones_key != zones_key(_validate(_config_of(camera)).zones):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no view remembered for camera {camera_id}'s zones yet")
    taken = row.taken_at.astimezone(UTC).isoformat()
    headers = {"Cache-Control": "no-store", "X-View-Taken-At": taken}
    return Response(row.picture, media_type="image/jpeg", headers=headers)


class ConnectivityPublic(BaseModel):
    ok: bool
    outcome: Outcome = Field(
        description="ok: a frame was read; refused: the source policy forbids the source; failed: it could "
        "not be opened or gave no frame; timeout: no frame within the time allowed"
    )
    message: str = Field(description="What happened, with any credentials in the source masked")
    width: int | None = Field(default=None, description="The frame's size, when one was read")
    height: int | None = None
    elapsed_s: float = Field(description="How long the try took")
    source: str = Field(description="The camera's source, credentials masked")


@router.post("/{camera_id}/connectivity", response_model=ConnectivityPublic, responses={**AUTH_RESPONSES, **_404})
async def connectivity(
    camera_id: str,
    user: IntegratorUser,
    session: SessionDep,
    settings: SettingsDep,
    policy: SourcePolicyDep,
    now: NowDep,
    timeout_s: Annotated[float | None, Query(gt=0, le=60)] = None,
) -> ConnectivityPublic:
    """Connectivity test: open the camera's source briefly, read one frame and say whether it worked, with
    a clear reason when it did not (never the source's credentials). Audited like a snapshot."""
    camera = _camera_or_404(session, camera_id)
    tried = await _try_source(camera, policy, timeout_s or settings.snapshot_timeout_s)
    _audit_try(session, user, camera, now, "camera.connectivity", tried)
    source = mask_text(camera.source_url)
    if tried.jpeg is None:
        return ConnectivityPublic(
            ok=False,
            outcome=tried.outcome,
            message=tried.detail,
            elapsed_s=round(tried.elapsed_s, 3),
            source=source,
        )
    frame = cv2.imdecode(np.frombuffer(tried.jpeg, np.uint8), cv2.IMREAD_COLOR)
    height, width = frame.shape[:2] if frame is not None else (0, 0)
    return ConnectivityPublic(
        ok=True,
        outcome="ok",
        message=f"opened the source and read a {width}x{height} frame",
        width=width,
        height=height,
        elapsed_s=round(tried.elapsed_s, 3),
        source=source,
    )


@router.delete(
    "/{camera_id}",
    status_code=204,
    responses={**AUTH_RESPONSES, **_404, 409: {"description": "The camera has cases, or comes from the YAML"}},
)
def delete_camera(camera_id: str, request: Request, user: IntegratorUser, session: SessionDep, now: NowDep) -> None:
    """Delete a camera and its zones and stop its worker. A camera whose cases are on record is kept
    (its cases would lose their place): disable it instead. A camera of configs/cameras.yaml would come
    back at the next start: remove it from the file."""
    camera = _camera_or_404(session, camera_id)
    cases = session.scalar(select(func.count()).select_from(Event).where(Event.camera_id == camera_id)) or 0
    if cases:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"camera {camera_id!r} has {cases} case(s) on record, which would lose their place; "
            'disable it instead (PATCH {"enabled": false})',
        )
    config = getattr(request.app.state, "app_config", None)
    if config is not None and any(c.id == camera_id for c in config.cameras):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"camera {camera_id!r} is listed in the camera registry file (configs/cameras.yaml) and would "
            'return at the next start; remove it there, or disable it (PATCH {"enabled": false})',
        )
    session.delete(camera)
    audit.record(session, user, "camera.delete", "camera", camera_id, now, source=camera.source_url)
    session.flush()
    _run_now(request, session, camera_id)
