"""Building blocks for review-API tests: an app on a test database, users, events, evidence bundles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from ulid import ULID

from api.auth.secrets import hash_password
from api.auth.service import issue_api_key, open_login_session
from api.db.base import make_engine, make_session_factory, session_scope
from api.db.models import Event, User

CONFIG = """\
detectors:
  street: {type: onnx, weights: m.onnx}
cameras:
  - id: gate-7
    name: gate 7
    source: rtsp://admin:hunter2@10.1.2.3:554/Streaming/Channels/101?token=s3cr3t
    location: {lat: 30.1, lon: 120.2, address: 人民路 1号, grid_code: "330102", responsible_unit: 一中队}
    zones:
      - {name: curb, kind: no_parking, dwell_seconds: 60, polygon: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}
"""
PASSWORD = "correct horse battery"
T0 = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


def _jpeg(width: int = 640, height: int = 360) -> bytes:
    import cv2
    import numpy as np

    image = np.full((height, width, 3), 90, dtype=np.uint8)
    cv2.rectangle(image, (10, 20), (110, 90), (200, 200, 200), -1)
    return bytes(cv2.imencode(".jpg", image)[1].tobytes())


JPEG = _jpeg()


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class ApiWorld:
    database_url: str
    tmp: Path
    factory: sessionmaker[Session]
    clock: Clock
    _seq: int = 0

    def user(self, username: str, role: str, password: str | None = PASSWORD) -> User:
        with session_scope(self.factory) as s:
            user = User(
                username=username,
                role=role,
                display_name=username,
                password_hash=hash_password(password) if password else None,
            )
            s.add(user)
            s.flush()
            return user

    def token(self, user: User, ttl_s: int = 3600) -> str:
        with session_scope(self.factory) as s:
            token, _ = open_login_session(s, s.get(User, user.id), self.clock(), ttl_s)  # type: ignore[arg-type]
            return token

    def api_key(self, user: User) -> tuple[str, int]:
        with session_scope(self.factory) as s:
            key, row = issue_api_key(s, s.get(User, user.id), "test", self.clock())  # type: ignore[arg-type]
            return key, row.id

    def headers(self, username: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(self.user(username, role))}"}

    def event(
        self,
        *,
        minutes: int = 0,
        plate: str | None = "浙A12345",
        violation_type: str = "illegal_parking",
        camera_id: str | None = "gate-7",
        zone: str | None = "curb",
        flight_id: int | None = None,
        evidence: bool = False,
        status: str = "pending",
    ) -> str:
        self._seq += 1
        at = T0 + timedelta(minutes=minutes, microseconds=self._seq)
        if evidence:
            event_id = self.recorded_event(at, camera_id or "gate-7")
            with session_scope(self.factory) as s:
                event = s.get_one(Event, event_id)
                event.violation_type, event.camera_id, event.zone_name = violation_type, camera_id, zone
                event.flight_id, event.status, event.created_at = flight_id, status, at
                event.plate_text, event.plate_confidence = plate, 0.9 if plate else None
            return event_id
        event_id = str(ULID())
        with session_scope(self.factory) as s:
            s.add(
                Event(
                    id=event_id,
                    violation_type=violation_type,
                    camera_id=camera_id,
                    zone_name=zone,
                    flight_id=flight_id,
                    status=status,
                    first_seen_at=at - timedelta(minutes=5),
                    confirmed_at=at,
                    plate_text=plate,
                    plate_confidence=0.9 if plate else None,
                    evidence_record_id=None,
                    created_at=at,
                )
            )
        return event_id

    def recorded_event(self, at: datetime, camera_id: str) -> str:
        """A real signed, chained evidence record written by the evidence package, and the pending
        event its database sink creates for it; returns that event's id."""
        from api.db.evidence_sink import DatabaseRecordSink
        from evidence.keys import Signer
        from evidence.synthetic import make_context, make_violation
        from evidence.writer import EvidenceWriter

        writer = EvidenceWriter(
            self.tmp / "evidence", Signer.load_or_create(self.tmp / "keys" / "signing.key"),
            DatabaseRecordSink(self.factory), spool_dir=self.tmp / "spool",
        )
        violation = make_violation(
            device_id=camera_id, start=at - timedelta(seconds=330), episode_key=f"{camera_id}:curb:{self._seq}",
            width=160, height=90, clip_frames=3, seed=self._seq,
        )
        record = writer.write(violation, make_context(camera_id))
        (self.tmp / "evidence" / "secret.txt").write_text("outside any bundle")
        with session_scope(self.factory) as s:
            event = s.scalar(select(Event).where(Event.evidence_record_id == record.record_id))
            assert event is not None
            return event.id


def make_world(database_url: str, tmp: Path) -> ApiWorld:
    return ApiWorld(database_url, tmp, make_session_factory(make_engine(database_url)), Clock())


def make_client(world: ApiWorld, **settings_overrides: object) -> TestClient:
    from api.app import create_app
    from api.settings import Settings

    config = world.tmp / "cameras.yaml"
    config.write_text(CONFIG)
    settings = Settings(
        config=config,
        database_url=world.database_url,
        evidence_dir=world.tmp / "evidence",
        upload_dir=world.tmp / "uploads",
        **{"signing_key": world.tmp / "keys" / "signing.key", **settings_overrides},
    )  # type: ignore[arg-type]
    app = create_app(settings)
    app.state.clock = world.clock
    return TestClient(app)


Headers = Callable[[str, str], dict[str, str]]
