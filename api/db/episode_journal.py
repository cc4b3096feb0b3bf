"""The episode journal on the events table: open episodes for a restarted camera, heartbeats, ends.

A reported episode is an event with an `episode_key`. While the camera still sees its vehicle the
analyzer moves `last_seen_at` on; when the vehicle leaves it sets `episode_ended_at`. At start the
camera's events with no end are its open episodes (the rule decides, on capture time, which are
recent enough to resume). Journal writes are best effort: a failing database is logged and the
camera goes on; the unique episode key and the evidence writer's own index still hold the line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.models.event import Event
from vision.episodes import EpisodeSighting, KnownEpisode
from vision.identity import Appearance, confident_plate

log = logging.getLogger(__name__)


class DbEpisodeJournal:
    def __init__(self, session_factory: sessionmaker[Session], *, limit: int = 500):
        self.session_factory = session_factory
        self.limit = limit

    def open_episodes(self, source_id: str) -> list[KnownEpisode]:
        try:
            with self.session_factory() as session:
                rows = session.scalars(
                    select(Event)
                    .where(
                        Event.camera_id == source_id,
                        Event.episode_key.is_not(None),
                        Event.episode_ended_at.is_(None),
                        Event.object_box.is_not(None),
                    )
                    .order_by(Event.confirmed_at.desc())
                    .limit(self.limit)
                ).all()
                known = [_known(row) for row in rows]
        except SQLAlchemyError as exc:
            log.warning("camera %s: open episodes could not be read (%s); none resumed", source_id, type(exc).__name__)
            return []
        return [k for k in known if k is not None]

    def seen(self, sightings: Sequence[EpisodeSighting]) -> None:
        self._write(sightings, ended=False)

    def ended(self, sightings: Sequence[EpisodeSighting]) -> None:
        self._write(sightings, ended=True)

    def _write(self, sightings: Sequence[EpisodeSighting], *, ended: bool) -> None:
        try:
            with session_scope(self.session_factory) as session:
                for s in sightings:
                    where = (Event.episode_key == s.key, Event.episode_ended_at.is_(None))
                    values = {"episode_ended_at": s.seen_at} if ended else {}
                    session.execute(update(Event).where(*where).values(**values, last_seen_at=s.seen_at))
        except SQLAlchemyError as exc:
            what = "ends" if ended else "sightings"
            log.warning("episode %s not recorded (%s): %d episodes", what, type(exc).__name__, len(sightings))


def _known(row: Event) -> KnownEpisode | None:
    """The row's episode; None for one with nothing to find its vehicle by (a case without a vehicle box:
    a JSON null written before migration 0015) or a box that is not four numbers, which is logged."""
    if row.episode_key is None or not row.object_box:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in row.object_box)
    except (TypeError, ValueError):
        log.warning("event %s: its vehicle box is not four numbers; its episode is not resumed", row.id)
        return None
    return KnownEpisode(
        key=row.episode_key,
        source_id=row.camera_id or "",
        zone_name=row.zone_name or "",
        violation_type=row.violation_type,
        box=(x1, y1, x2, y2),
        appearance=Appearance.from_list(row.appearance) if row.appearance else None,
        plate_text=confident_plate(row.plate_text, row.plate_confidence),
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at or row.confirmed_at,
    )
