"""Drone operators: flights, resumable chunked footage uploads, processing status and findings.

Upload protocol (tus-like): POST /flights/{id}/uploads declares name, kind, size and SHA-256;
PATCH /uploads/{id} with `Upload-Offset: <bytes already received>` and the next chunk as the body;
HEAD or GET /uploads/{id} tells where to resume. The last chunk checks the SHA-256 and moves the
file to <upload_dir>/flights/<flight_id>/<filename>.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect
from ulid import ULID

from api import audit
from api.auth.deps import DroneUser, NowDep, require_role
from api.db.models import DroneUpload, Event, Flight, SurveyArea, User
from api.deps import SessionDep, SettingsDep
from api.routes.common import AUTH_RESPONSES
from api.schemas.event import EventPublic
from api.schemas.ids import MAX_ID, IdPath, IdQuery
from api.settings import Settings
from api.uploads.content import HEAD_BYTES, ContentError, check_head, kind_for, safe_filename
from api.uploads.store import final_path, move_into_place, part_path, sha256_file, upload_lock, write_chunk

router = APIRouter(tags=["drone"])
DroneReader = Annotated[User, Depends(require_role("drone_operator", "reviewer"))]
_404: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}}


class FlightCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"survey_area_id": 1, "flown_on": "2026-05-01"}]}
    )

    survey_area_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Survey area flown over")
    flown_on: date


class UploadPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "01JAB3C4D5E6F7G8H9J0K1M2N3",
                    "flight_id": 4,
                    "filename": "DJI_0001.MP4",
                    "kind": "video",
                    "size_bytes": 104857600,
                    "sha256": "9f86d0...",
                    "bytes_received": 16777216,
                    "status": "uploading",
                    "created_at": "2026-05-01T08:00:00Z",
                }
            ]
        },
    )

    id: str
    flight_id: int
    filename: str
    kind: str
    size_bytes: int
    sha256: str
    bytes_received: int = Field(description="Resume the upload at this offset")
    status: str = Field(description="uploading / complete / bad_checksum")
    created_at: datetime


class FlightPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    survey_area_id: int | None
    flown_on: date
    status: str
    progress: float
    status_detail: str | None
    created_by: int | None
    created_at: datetime


class FlightDetail(FlightPublic):
    uploads: list[UploadPublic]


class UploadCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filename": "DJI_0001.MP4",
                    "kind": "video",
                    "size_bytes": 104857600,
                    "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                }
            ]
        },
    )

    filename: str = Field(min_length=1, max_length=200)
    kind: Literal["video", "srt", "still"]
    size_bytes: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the whole file, hex")


def _flight_or_404(session: SessionDep, flight_id: int) -> Flight:
    flight = session.get(Flight, flight_id)
    if flight is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} not found")
    return flight


def _upload_or_404(session: Session, upload_id: str) -> DroneUpload:
    upload = session.get(DroneUpload, upload_id)
    if upload is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"upload {upload_id!r} not found")
    return upload


@router.post("/flights", response_model=FlightPublic, status_code=201, responses={**AUTH_RESPONSES, **_404})
def create_flight(body: FlightCreate, user: DroneUser, session: SessionDep, now: NowDep) -> FlightPublic:
    if body.survey_area_id is not None and session.get(SurveyArea, body.survey_area_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"survey area {body.survey_area_id} not found")
    flight = Flight(
        survey_area_id=body.survey_area_id,
        flown_on=body.flown_on,
        status="created",
        progress=0.0,
        created_by=user.id,
        created_at=now,
    )
    session.add(flight)
    session.flush()
    audit.record(session, user, "flight.create", "flight", flight.id, now)
    return FlightPublic.model_validate(flight)


@router.post(
    "/flights/{flight_id}/process",
    response_model=FlightPublic,
    status_code=202,
    responses={**AUTH_RESPONSES, **_404, 409: {"description": "Uploads unfinished or no survey area"}},
)
def process_flight(flight_id: IdPath, user: DroneUser, session: SessionDep, now: NowDep) -> FlightPublic:
    """Queue the flight for processing once all its uploads are complete (idempotent: a rerun adds
    no duplicate findings)."""
    flight = _flight_or_404(session, flight_id)
    uploads = list(session.scalars(select(DroneUpload).where(DroneUpload.flight_id == flight_id)))
    if not uploads or any(u.status != "complete" for u in uploads):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"flight {flight_id} has no complete set of uploads")
    if flight.survey_area_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"flight {flight_id} has no survey area")
    if flight.status in ("queued", "processing"):
        return FlightPublic.model_validate(flight)
    flight.status, flight.progress, flight.status_detail = "queued", 0.0, "waiting to be processed"
    audit.record(session, user, "flight.process", "flight", flight.id, now)
    return FlightPublic.model_validate(flight)


@router.get("/flights", response_model=list[FlightPublic], responses=AUTH_RESPONSES)
def list_flights(
    user: DroneReader, session: SessionDep, survey_area_id: IdQuery = None
) -> list[FlightPublic]:
    query = select(Flight).order_by(Flight.id.desc()).limit(500)
    if survey_area_id is not None:
        query = query.where(Flight.survey_area_id == survey_area_id)
    return [FlightPublic.model_validate(f) for f in session.scalars(query)]


@router.get("/flights/{flight_id}", response_model=FlightDetail, responses={**AUTH_RESPONSES, **_404})
def get_flight(flight_id: IdPath, user: DroneReader, session: SessionDep) -> FlightDetail:
    """Processing status (status, progress, status_detail) and the flight's uploads."""
    flight = _flight_or_404(session, flight_id)
    uploads = session.scalars(
        select(DroneUpload)
        .where(DroneUpload.flight_id == flight_id)
        .order_by(DroneUpload.created_at, DroneUpload.id)
    )
    return FlightDetail(
        **FlightPublic.model_validate(flight).model_dump(),
        uploads=[UploadPublic.model_validate(u) for u in uploads],
    )


@router.get("/flights/{flight_id}/findings", response_model=list[EventPublic], responses={**AUTH_RESPONSES, **_404})
def flight_findings(flight_id: IdPath, user: DroneReader, session: SessionDep) -> list[EventPublic]:
    """Events found in this flight's footage (e.g. new rooftop structures)."""
    _flight_or_404(session, flight_id)
    rows = session.scalars(
        select(Event).where(Event.flight_id == flight_id).order_by(Event.created_at, Event.id)
    )
    return [EventPublic.model_validate(e) for e in rows]


def _limit_for(settings: SettingsDep, kind: str) -> int:
    return {
        "video": settings.max_video_bytes,
        "still": settings.max_still_bytes,
        "srt": settings.max_srt_bytes,
    }[kind]


@router.post(
    "/flights/{flight_id}/uploads",
    response_model=UploadPublic,
    status_code=201,
    responses={
        **AUTH_RESPONSES,
        **_404,
        409: {"description": "File name already used in this flight"},
        413: {"description": "Over the size limit"},
        422: {"description": "Bad name or kind"},
    },
)
def create_upload(
    flight_id: IdPath,
    body: UploadCreate,
    user: DroneUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> UploadPublic:
    """Declare a file of the flight; then send it in chunks with PATCH /uploads/{id}."""
    _flight_or_404(session, flight_id)
    try:
        filename = safe_filename(body.filename)
        kind_for(filename, body.kind)
    except ContentError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    limit = _limit_for(settings, body.kind)
    if body.size_bytes > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"{body.kind} files may be at most {limit} bytes; {filename!r} is {body.size_bytes}",
        )
    taken = session.scalar(
        select(DroneUpload.id).where(
            DroneUpload.flight_id == flight_id,
            DroneUpload.filename == filename,
            DroneUpload.status != "bad_checksum",
        )
    )
    if taken is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"{filename!r} is already upload {taken} of this flight"
        )
    upload = DroneUpload(
        id=str(ULID()),
        flight_id=flight_id,
        filename=filename,
        kind=body.kind,
        size_bytes=body.size_bytes,
        sha256=body.sha256.lower(),
        bytes_received=0,
        status="uploading",
        created_at=now,
    )
    session.add(upload)
    session.flush()
    audit.record(
        session,
        user,
        "upload.create",
        "drone_upload",
        upload.id,
        now,
        filename=filename,
        flight=str(flight_id),
    )
    return UploadPublic.model_validate(upload)


@router.get("/uploads/{upload_id}", response_model=UploadPublic, responses={**AUTH_RESPONSES, **_404})
def get_upload(upload_id: str, user: DroneUser, session: SessionDep, response: Response) -> UploadPublic:
    upload = _upload_or_404(session, upload_id)
    response.headers["Upload-Offset"] = str(upload.bytes_received)
    return UploadPublic.model_validate(upload)


@router.head("/uploads/{upload_id}", responses={**AUTH_RESPONSES, **_404})
def head_upload(upload_id: str, user: DroneUser, session: SessionDep) -> Response:
    """Where to resume: the `Upload-Offset` header."""
    upload = _upload_or_404(session, upload_id)
    return Response(
        headers={"Upload-Offset": str(upload.bytes_received), "Upload-Length": str(upload.size_bytes)}
    )


async def _read_chunk(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"a chunk may be at most {limit} bytes")
    parts: list[bytes] = []
    size = 0
    try:
        async for piece in request.stream():
            size += len(piece)
            if size > limit:
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE, detail=f"a chunk may be at most {limit} bytes"
                )
            parts.append(piece)
    except ClientDisconnect:
        raise HTTPException(400, detail="the chunk was cut off; resume from Upload-Offset") from None
    return b"".join(parts)


@router.patch(
    "/uploads/{upload_id}",
    response_model=UploadPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
    responses={
        **AUTH_RESPONSES,
        **_404,
        409: {"description": "Offset is not where the upload stands"},
        413: {"description": "Chunk too large"},
        415: {"description": "Not the declared kind"},
        422: {"description": "Checksum mismatch or chunk past the declared size"},
    },
)
async def upload_chunk(
    upload_id: str,
    request: Request,
    user: DroneUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
) -> UploadPublic:
    """Append the request body at `Upload-Offset`. A 409 carries the offset to resume from."""
    data = await _read_chunk(request, settings.max_chunk_bytes)
    return await asyncio.to_thread(_store_chunk, session, settings, user, upload_id, upload_offset, data, now)


def _store_chunk(
    session: Session, settings: Settings, user: User, upload_id: str, offset: int, data: bytes, now: datetime
) -> UploadPublic:
    upload = _upload_or_404(session, upload_id)
    with upload_lock(upload_id):
        session.refresh(upload)
        _check_chunk(upload, offset, data)
        part = part_path(settings.upload_dir, upload_id)
        write_chunk(part, offset, data)
        received = offset + len(data)
        session.execute(
            update(DroneUpload)
            .where(DroneUpload.id == upload_id, DroneUpload.bytes_received == offset)
            .values(bytes_received=received),
            execution_options={"synchronize_session": False},
        )
        if received == upload.size_bytes:
            _finish(session, upload, part, settings, user, now)
        session.commit()
        session.refresh(upload)
    return UploadPublic.model_validate(upload)


def _check_chunk(upload: DroneUpload, offset: int, data: bytes) -> None:
    if upload.status != "uploading":
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"upload {upload.id} is {upload.status}")
    if offset != upload.bytes_received:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            headers={"Upload-Offset": str(upload.bytes_received)},
            detail=f"upload {upload.id} stands at offset {upload.bytes_received}, not {offset}",
        )
    if not data:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="empty chunk")
    if offset + len(data) > upload.size_bytes:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"chunk ends at {offset + len(data)}, past the declared size {upload.size_bytes}",
        )
    if offset == 0:
        if len(data) < min(HEAD_BYTES, upload.size_bytes):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"the first chunk must hold at least the first {HEAD_BYTES} bytes",
            )
        try:
            check_head(data, upload.kind, upload.filename)
        except ContentError as exc:
            raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=str(exc)) from None


def _finish(
    session: Session, upload: DroneUpload, part: Path, settings: Settings, user: User, now: datetime
) -> None:
    actual = sha256_file(part)
    if actual != upload.sha256:
        upload.status = "bad_checksum"
        audit.record(session, user, "upload.bad_checksum", "drone_upload", upload.id, now, actual=actual)
        session.commit()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"SHA-256 of the received file is {actual}, declared {upload.sha256}; "
            "the part file is kept, declare the upload again to resend",
        )
    try:
        move_into_place(part, final_path(settings.upload_dir, upload.flight_id, upload.filename))
    except FileExistsError:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{upload.filename!r} already exists for flight {upload.flight_id}",
        ) from None
    upload.status = "complete"
    audit.record(session, user, "upload.complete", "drone_upload", upload.id, now, sha256=actual)
