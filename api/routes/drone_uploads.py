"""Drone footage uploads: declare, send in chunks, resume, cancel or replace.

Upload protocol (tus-like): POST /flights/{id}/uploads declares name, kind, size and SHA-256;
PATCH /uploads/{id} with `Upload-Offset: <bytes already received>` and the next chunk as the body;
HEAD or GET /uploads/{id} tells where to resume. The last chunk checks the SHA-256 and the whole
file's content, then moves it to <upload_dir>/flights/<flight_id>/<filename>.

A file name is declared once per flight (a unique constraint; a second declaration is a 409). A file
refused for its checksum or content is replaced by declaring its name again; DELETE cancels an upload
and PUT restarts it with a new size and checksum, as long as the flight is not being processed.
"""

from __future__ import annotations

import asyncio
import pathlib
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect
from ulid import ULID

from api import audit
from api.auth.deps import DroneUser, NowDep
from api.db.models import DroneUpload, Flight, User
from api.db.models.drone import FAILED_UPLOAD_STATUSES
from api.deps import SessionDep, SettingsDep
from api.routes.common import AUTH_RESPONSES
from api.schemas.ids import IdPath
from api.settings import Settings
from api.uploads.content import (
    EXTENSIONS,
    HEAD_BYTES,
    SAFE_NAME_PATTERN,
    ContentError,
    check_head,
    kind_for,
    safe_filename,
)
from api.uploads.store import final_path, move_into_place, part_path, sha256_file, upload_lock, write_chunk
from api.uploads.verify import check_file

router = APIRouter(tags=["drone"])
_404: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}}
MAX_BYTES = 2**53  # sizes and offsets: exact as JSON numbers everywhere (a double's integer range)
BUSY = ("queued", "processing")  # a flight in these states keeps its footage as it is
UploadId = Annotated[str, Path(min_length=1, max_length=26)]


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
                    "detail": None,
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
    status: str = Field(
        description="uploading / complete / bad_checksum / rejected (declare the name again, or PUT, to resend)"
    )
    detail: str | None = Field(default=None, description="Why the file was refused")
    created_at: datetime


class UploadReplace(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "size_bytes": 104857600,
                    "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                }
            ]
        },
    )

    size_bytes: int = Field(gt=0, le=MAX_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the whole file, hex")


def _suffix_pattern(kind: str) -> str:
    """'.mp4' -> a case-insensitive regex of the accepted endings of a kind, for the schema."""
    endings = "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in ending[1:]) for ending in EXTENSIONS[kind]
    )
    return rf"\.({endings})$"


class UploadCreate(UploadReplace):
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
            ],
            "allOf": [  # the ending each kind accepts (content.kind_for), stated in the schema
                {
                    "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                    "then": {"properties": {"filename": {"pattern": _suffix_pattern(kind)}}},
                }
                for kind in EXTENSIONS
            ],
        },
    )

    filename: str = Field(
        min_length=1,
        max_length=200,
        description="A plain file name: letters, digits, '_', '-', space and single dots; no folders",
        json_schema_extra={"pattern": SAFE_NAME_PATTERN},  # checked by safe_filename, with a clearer message
    )
    kind: Literal["video", "srt", "still"]


def _flight_or_404(session: Session, flight_id: int) -> Flight:
    flight = session.get(Flight, flight_id)
    if flight is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} not found")
    return flight


def _upload_or_404(session: Session, upload_id: str) -> DroneUpload:
    upload = session.get(DroneUpload, upload_id)
    if upload is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"upload {upload_id!r} not found")
    return upload


def _reload(session: Session, upload: DroneUpload) -> None:
    """Re-read the row under the upload's lock; 404 if a cancel removed it meanwhile."""
    upload_id = upload.id
    try:
        session.refresh(upload)
    except InvalidRequestError:  # refresh of a row that is gone
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"upload {upload_id!r} was cancelled") from None


def _not_busy(flight: Flight, doing: str) -> None:
    if flight.status in BUSY:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"flight {flight.id} is {flight.status}; {doing} once its processing has finished",
        )


def _limit_for(settings: Settings, kind: str) -> int:
    return {
        "video": settings.max_video_bytes,
        "still": settings.max_still_bytes,
        "srt": settings.max_srt_bytes,
    }[kind]


def _check_size(settings: Settings, kind: str, filename: str, size: int) -> None:
    limit = _limit_for(settings, kind)
    if size > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"{kind} files may be at most {limit} bytes; {filename!r} is {size}",
        )


def _remove_files(settings: Settings, upload: DroneUpload) -> None:
    """The part file, and the published file of a complete upload."""
    part_path(settings.upload_dir, upload.id).unlink(missing_ok=True)
    if upload.status == "complete":
        final_path(settings.upload_dir, upload.flight_id, upload.filename).unlink(missing_ok=True)


def _taken(filename: str, upload: DroneUpload) -> HTTPException:
    return HTTPException(
        status.HTTP_409_CONFLICT,
        detail=f"{filename!r} is already upload {upload.id} of flight {upload.flight_id} ({upload.status}); "
        f"resume it, or cancel it (DELETE /uploads/{upload.id}) or replace it (PUT /uploads/{upload.id})",
    )


@router.post(
    "/flights/{flight_id}/uploads",
    response_model=UploadPublic,
    status_code=201,
    responses={
        **AUTH_RESPONSES,
        **_404,
        409: {"description": "File name already declared in this flight, or the flight is being processed"},
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
    """Declare a file of the flight; then send it in chunks with PATCH /uploads/{id}. Declaring the name
    of a file refused for its checksum or content replaces that upload."""
    flight = _flight_or_404(session, flight_id)
    try:
        filename = safe_filename(body.filename)
        kind_for(filename, body.kind)
    except ContentError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    _check_size(settings, body.kind, filename, body.size_bytes)
    _not_busy(flight, "declare files")
    earlier = session.scalar(
        select(DroneUpload).where(DroneUpload.flight_id == flight_id, DroneUpload.filename == filename)
    )
    if earlier is not None and earlier.status not in FAILED_UPLOAD_STATUSES:
        raise _taken(filename, earlier)
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
    try:
        if earlier is not None:
            replaced = earlier.id
            session.delete(earlier)
            session.flush()  # the old row goes before the new one takes its name
            part_path(settings.upload_dir, replaced).unlink(missing_ok=True)
            audit.record(session, user, "upload.replace", "drone_upload", replaced, now, by=upload.id)
        session.add(upload)
        session.flush()
    except IntegrityError:  # another declaration of the name won the race
        session.rollback()
        holder = session.scalar(
            select(DroneUpload).where(DroneUpload.flight_id == flight_id, DroneUpload.filename == filename)
        )
        if holder is None:  # the flight went away in between
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"flight {flight_id} not found") from None
        raise _taken(filename, holder) from None
    audit.record(
        session, user, "upload.create", "drone_upload", upload.id, now, filename=filename, flight=str(flight_id)
    )
    return UploadPublic.model_validate(upload)


@router.get("/uploads/{upload_id}", response_model=UploadPublic, responses={**AUTH_RESPONSES, **_404})
def get_upload(upload_id: UploadId, user: DroneUser, session: SessionDep, response: Response) -> UploadPublic:
    upload = _upload_or_404(session, upload_id)
    response.headers["Upload-Offset"] = str(upload.bytes_received)
    return UploadPublic.model_validate(upload)


@router.head("/uploads/{upload_id}", responses={**AUTH_RESPONSES, **_404})
def head_upload(upload_id: UploadId, user: DroneUser, session: SessionDep) -> Response:
    """Where to resume: the `Upload-Offset` header."""
    upload = _upload_or_404(session, upload_id)
    return Response(
        headers={"Upload-Offset": str(upload.bytes_received), "Upload-Length": str(upload.size_bytes)}
    )


@router.delete(
    "/uploads/{upload_id}",
    status_code=204,
    responses={**AUTH_RESPONSES, **_404, 409: {"description": "The flight is being processed or was processed"}},
)
def cancel_upload(
    upload_id: UploadId, user: DroneUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Cancel an upload: its row and received bytes go, and its file name is free to declare again."""
    upload = _upload_or_404(session, upload_id)
    flight = _flight_or_404(session, upload.flight_id)
    _not_busy(flight, "cancel uploads")
    if upload.status == "complete" and flight.status == "done":
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{upload.filename!r} is footage of processed flight {flight.id} and is kept",
        )
    with upload_lock(upload_id):
        _reload(session, upload)
        _remove_files(settings, upload)
        session.delete(upload)
        audit.record(session, user, "upload.cancel", "drone_upload", upload_id, now, filename=upload.filename)
        session.commit()
    return Response(status_code=204)


@router.put(
    "/uploads/{upload_id}",
    response_model=UploadPublic,
    responses={
        **AUTH_RESPONSES,
        **_404,
        409: {"description": "The flight is being processed or was processed"},
        413: {"description": "Over the size limit"},
    },
)
def replace_upload(
    upload_id: UploadId,
    body: UploadReplace,
    user: DroneUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> UploadPublic:
    """Start the upload again from offset 0 with a new size and SHA-256 (same id, name and kind)."""
    upload = _upload_or_404(session, upload_id)
    flight = _flight_or_404(session, upload.flight_id)
    _not_busy(flight, "replace uploads")
    if upload.status == "complete" and flight.status == "done":
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{upload.filename!r} is footage of processed flight {flight.id} and is kept",
        )
    _check_size(settings, upload.kind, upload.filename, body.size_bytes)
    with upload_lock(upload_id):
        _reload(session, upload)
        _remove_files(settings, upload)
        upload.size_bytes, upload.sha256 = body.size_bytes, body.sha256.lower()
        upload.bytes_received, upload.status, upload.detail = 0, "uploading", None
        audit.record(session, user, "upload.replace", "drone_upload", upload_id, now, filename=upload.filename)
        session.commit()
    return UploadPublic.model_validate(upload)


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
        400: {"description": "The chunk was cut off in transfer; resume from Upload-Offset"},
        409: {"description": "Offset is not where the upload stands, or the upload is not in progress"},
        413: {"description": "Chunk too large"},
        415: {"description": "Not the declared kind"},
        422: {"description": "Checksum mismatch, incomplete or undecodable file, or chunk past the declared size"},
    },
)
async def upload_chunk(
    upload_id: UploadId,
    request: Request,
    user: DroneUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0, le=MAX_BYTES)],
) -> UploadPublic:
    """Append the request body at `Upload-Offset`. A 409 carries the offset to resume from."""
    data = await _read_chunk(request, settings.max_chunk_bytes)
    return await asyncio.to_thread(_store_chunk, session, settings, user, upload_id, upload_offset, data, now)


def _store_chunk(
    session: Session, settings: Settings, user: User, upload_id: str, offset: int, data: bytes, now: datetime
) -> UploadPublic:
    upload = _upload_or_404(session, upload_id)
    with upload_lock(upload_id):
        _reload(session, upload)
        _check_chunk(upload, offset, data)
        if offset == 0:
            _check_first_chunk(session, upload, data, user, now)
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
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"upload {upload.id} is {upload.status}"
            + (f" ({upload.detail}); declare it again or PUT /uploads/{upload.id} to resend" if upload.detail else ""),
        )
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


def _check_first_chunk(session: Session, upload: DroneUpload, data: bytes, user: User, now: datetime) -> None:
    if len(data) < min(HEAD_BYTES, upload.size_bytes):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"the first chunk must hold at least the first {HEAD_BYTES} bytes",
        )
    try:
        check_head(data, upload.kind, upload.filename)
    except ContentError as exc:
        _reject(session, upload, "rejected", str(exc), user, now)
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"{exc}; declare {upload.filename!r} again (or PUT /uploads/{upload.id}) to send the right file",
        ) from None


def _reject(session: Session, upload: DroneUpload, status_: str, detail: str, user: User, now: datetime) -> None:
    """Record why a file was refused; committed now, since the request then fails."""
    upload.status, upload.detail = status_, detail[:2000]
    audit.record(session, user, f"upload.{status_}", "drone_upload", upload.id, now, detail=detail[:500])
    session.commit()


def _finish(
    session: Session, upload: DroneUpload, part: pathlib.Path, settings: Settings, user: User, now: datetime
) -> None:
    actual = sha256_file(part)
    resend = f"declare {upload.filename!r} again (or PUT /uploads/{upload.id}) to resend it"
    if actual != upload.sha256:
        part.unlink(missing_ok=True)
        _reject(session, upload, "bad_checksum", f"SHA-256 of the received file is {actual}", user, now)
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"SHA-256 of the received file is {actual}, declared {upload.sha256}; {resend}",
        )
    try:
        check_file(part, upload.kind, upload.filename)
    except ContentError as exc:
        part.unlink(missing_ok=True)
        _reject(session, upload, "rejected", str(exc), user, now)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"{exc}; {resend}") from None
    try:
        move_into_place(part, final_path(settings.upload_dir, upload.flight_id, upload.filename))
    except FileExistsError:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{upload.filename!r} already exists for flight {upload.flight_id}",
        ) from None
    upload.status = "complete"
    audit.record(session, user, "upload.complete", "drone_upload", upload.id, now, sha256=actual)

