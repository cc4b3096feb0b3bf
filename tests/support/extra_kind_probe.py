"""Run in a fresh interpreter: register tests/support/cone_kind.py with one line, then report (JSON on
stdout) where the kind shows up. Used by tests/integration/api/test_extra_kind.py.

Usage: python -m tests.support.extra_kind_probe DATABASE_URL WORK_DIR
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from tests.support import cone_kind
from vision.violations import registry

CONFIG = """\
detectors:
  street: {type: onnx, weights: m.onnx}
cameras:
  - id: cone-cam
    name: cone camera
    source: rtsp://10.1.2.3/live
    location: {lat: 30.1, lon: 120.2, address: 人民路 1号, grid_code: "330102", responsible_unit: 一中队}
    zones:
      - {name: lane, kind: cone_watch, min_cones: 2, persistence_seconds: 5,
         polygon: [[0.0, 0.5], [1.0, 0.5], [1.0, 1.0], [0.0, 1.0]]}
"""


def main(database_url: str, work: Path) -> dict[str, object]:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from api.app import create_app
    from api.db.base import make_engine
    from api.db.camera_config import enabled_cameras
    from api.settings import Settings
    from domain.types import Detections, Frame
    from evidence.keys import Signer
    from evidence.sink import MemoryRecordSink
    from evidence.synthetic import make_context
    from evidence.writer import EvidenceWriter
    from ingest.config.loader import load_config_text
    from tests.integration.api.review_fixtures import make_world
    from vision.rules import build_rule

    found: dict[str, object] = {}
    config = load_config_text(CONFIG)
    zone = config.cameras[0].zones[0]
    found["config_zone"] = type(zone).__name__
    rule = build_rule(zone, ZoneInfo("Asia/Shanghai"))
    found["rule"] = type(rule).__name__
    cones = Detections(
        np.array([[10, 60, 20, 80], [40, 60, 50, 80]], np.float32), np.array([0.9, 0.8], np.float32), ("cone", "cone")
    )
    start = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    violations = []
    for i in range(8):
        frame = Frame("cone-cam", i, start + timedelta(seconds=i), np.zeros((90, 160, 3), np.uint8))
        violations += rule.update(frame, cones)
    found["violations"] = [v.details.model_dump() for v in violations]

    writer = EvidenceWriter(work / "store", Signer.load_or_create(work / "k.key"), MemoryRecordSink(), with_clip=False)
    record = writer.write(violations[0], make_context("cone-cam"))
    manifest = writer.store.load_record(record.record_id).manifest
    found["manifest"] = [manifest.format, type(manifest.details).__name__]

    config_path = work / "cameras.yaml"
    config_path.write_text(CONFIG)
    settings = Settings(config=config_path, database_url=database_url, evidence_dir=work / "evidence",
                        upload_dir=work / "uploads", signing_key=work / "keys" / "signing.key")
    world = make_world(database_url, work)
    headers = world.headers("rita", "reviewer")
    with TestClient(create_app(settings)) as client:  # start-up seeds the camera: its zone params go to the DB
        kinds = {k["type"]: k for k in client.get("/kinds", headers=headers).json()}
        found["api_kind"] = kinds.get("stray_cones")
        found["api_zone"] = client.get("/cameras/cone-cam", headers=headers).json()["zones"]
    engine = make_engine(database_url)
    with Session(engine) as session:
        found["db_cameras"] = [c.model_dump(mode="json")["zones"] for c in enabled_cameras(session)]
    engine.dispose()
    world.factory.kw["bind"].dispose()
    return found


if __name__ == "__main__":
    registry.KINDS = (*registry.KINDS, cone_kind.KIND)  # the one registry line, before anything derives from it
    sys.stdout.write(json.dumps(main(sys.argv[1], Path(sys.argv[2])), ensure_ascii=False))
