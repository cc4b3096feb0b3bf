"""A supervisor process for the SIGTERM test: one file camera, a slow evidence sink, health to JSON.

python -m tests.support.run_supervisor CLIP OUT_DIR
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from ingest.config import CameraConfig
from ingest.health import CameraHealthSnapshot
from ingest.readers import open_reader
from ingest.supervisor import Supervisor
from ingest.worker import CameraWorker
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink


class JsonFileReporter:
    def __init__(self, path: Path) -> None:
        self.path = path

    def report(self, snapshots: Sequence[CameraHealthSnapshot]) -> None:
        self.path.write_text(json.dumps([asdict(s) for s in snapshots], default=str))


def main(clip: str, out: str) -> None:
    logging.basicConfig(level=logging.INFO)
    camera = CameraConfig(
        id="cam-term",
        name="sigterm camera",
        source=f"file:{clip}",
        analysis_fps=5,
        start_time=datetime(2026, 5, 1, tzinfo=UTC),
        location={"lat": 30.2, "lon": 120.1, "address": "x", "grid_code": "1", "responsible_unit": "u"},
    )
    sink = JsonDirSink(Path(out) / "records", delay_s=2.0)
    supervisor = Supervisor(
        [camera],
        lambda cam: CameraWorker(cam, open_reader, BrightSquareAnalyzer(cam.id, persist_s=1.0), sink),
        JsonFileReporter(Path(out) / "health.json"),
        sinks=[sink],
        report_interval_s=0.2,
    )
    supervisor.run_forever()
    (Path(out) / "exited-cleanly").write_text("")


if __name__ == "__main__":
    main(*sys.argv[1:3])
