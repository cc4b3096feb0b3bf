"""Camera registry (read side)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.auth.deps import AnyUser
from api.db.models import Camera
from api.deps import SessionDep
from api.schemas.camera import CameraPublic

router = APIRouter(prefix="/cameras", tags=["cameras"])


@router.get("", response_model=list[CameraPublic])
def list_cameras(user: AnyUser, session: SessionDep) -> list[CameraPublic]:
    rows = session.scalars(select(Camera).options(selectinload(Camera.zones)).order_by(Camera.id))
    return [CameraPublic.from_row(c) for c in rows]


@router.get("/{camera_id}", response_model=CameraPublic,
            responses={401: {"description": "Not authenticated"}, 404: {"description": "No such camera"}})
def get_camera(camera_id: str, user: AnyUser, session: SessionDep) -> CameraPublic:
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise HTTPException(status_code=404, detail=f"camera {camera_id!r} not found")
    return CameraPublic.from_row(camera)
