"""The view a camera's zones fit, remembered in the `camera_views` table (vision/view_memory.py).

One row per camera, overwritten by each `remember` and deleted when the camera's zones are saved
through the API. Best effort, like the episode journal: a failing database, or a camera no longer
registered, is logged (camera and error type, never the database URL) and the camera goes on as
without a remembered view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope, utcnow
from api.db.models.camera import CameraView
from vision.view_memory import RememberedView

log = logging.getLogger(__name__)


class DbViewMemory:
    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def recall(self, camera_id: str) -> RememberedView | None:
        try:
            with self.session_factory() as session:
                row = session.get(CameraView, camera_id)
                if row is None:
                    return None
                return RememberedView(zones_key=row.zones_key, jpeg=row.picture, taken_at=row.taken_at)
        except SQLAlchemyError as exc:
            what = type(exc).__name__
            log.warning("camera %s: remembered view could not be read (%s); none recalled", camera_id, what)
            return None

    def remember(self, camera_id: str, view: RememberedView) -> None:
        values = {
            "camera_id": camera_id,
            "zones_key": view.zones_key,
            "picture": view.jpeg,
            "taken_at": view.taken_at,
            "updated_at": utcnow(),
        }
        try:
            with session_scope(self.session_factory) as session:
                insert = _INSERTS.get(session.get_bind().dialect.name)
                if insert is None:  # a database without one statement for it: the ORM's read-then-write
                    session.merge(CameraView(**values))
                    return
                new = insert(CameraView).values(**values)  # inserted, or the camera's row overwritten
                overwrite = {k: new.excluded[k] for k in values}
                session.execute(new.on_conflict_do_update(index_elements=["camera_id"], set_=overwrite))
        except SQLAlchemyError as exc:
            log.warning("camera %s: view not remembered (%s)", camera_id, type(exc).__name__)


# inserts with ON CONFLICT DO UPDATE, by dialect
_INSERTS: dict[str, Callable[[type[CameraView]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
