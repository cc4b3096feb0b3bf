"""Building blocks for review-API tests: an app on a test database, users, events, evidence bundles."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from ulid import ULID

from api.auth.secrets import hash_password
from api.auth.service import issue_api_key, open_login_session
from api.db.base import make_engine, make_session_factory, session_scope
from api.db.models import Event, EvidenceRecordRow, User

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
        event_id = str(ULID())
        with session_scope(self.factory) as s:
            record_id = self.bundle(s, event_id) if evidence else None
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
                    evidence_record_id=record_id,
                    created_at=at,
                )
            )
        return event_id

    def bundle(self, s: Session, event_id: str) -> str:
        """A bundle laid out like the evidence package's: records/<record_id>/ with files, a flat
        manifest.json (files, photos with marks, zone_polygon, ...) and a dummy manifest.sig."""
        record_id = str(ULID())
        folder = self.tmp / "evidence" / "records" / record_id
        (folder / "photos").mkdir(parents=True)
        files = {
            "photos/01-arrival.jpg": ("original", JPEG + b"1"),
            "photos/01-arrival.annotated.jpg": ("annotated", JPEG + b"2"),
            "plate.jpg": ("plate", JPEG + b"3"),
            "clip.mp4": ("clip", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100),
        }
        entries = []
        for path, (kind, data) in files.items():
            (folder / path).write_bytes(data)
            entries.append(
                {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "kind": kind}
            )
        manifest = json.dumps(
            {
                "format": "enforce-evidence/1",
                "record_id": record_id,
                "violation_type": "illegal_parking",
                "zone_polygon": [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]],
                "photos": [
                    {
                        "role": "arrival",
                        "original": "photos/01-arrival.jpg",
                        "annotated": "photos/01-arrival.annotated.jpg",
                        "marks": [{"label": "vehicle", "box": [10, 20, 110, 90], "score": 0.9}],
                    }
                ],
                "files": entries,
            }
        ).encode()
        (folder / "manifest.json").write_bytes(manifest)
        (folder / "manifest.sig").write_bytes(b"sig")
        (self.tmp / "evidence" / "secret.txt").write_text("outside any bundle")
        self._seq += 1
        s.add(
            EvidenceRecordRow(
                id=record_id,
                sequence=self._seq,
                violation_type="illegal_parking",
                bundle_path=f"records/{record_id}",
                manifest_sha256=hashlib.sha256(manifest).hexdigest(),
                signing_key_id="k1",
            )
        )
        s.flush()
        return record_id


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
        **settings_overrides,
    )  # type: ignore[arg-type]
    app = create_app(settings)
    app.state.clock = world.clock
    return TestClient(app)


Headers = Callable[[str, str], dict[str, str]]
