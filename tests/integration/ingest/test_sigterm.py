"""SIGTERM stops the supervisor cleanly: evidence in flight is finished, health says stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingest.testclips import write_clip

REPO = Path(__file__).resolve().parents[3]


def test_sigterm_lets_the_sink_finish_evidence_in_flight(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "long.mp4", seconds=30, fps=5, bright_intervals=[(0, 30)])
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.run_supervisor", str(clip), str(out)], env=env
    )
    try:
        deadline = time.monotonic() + 20
        started: list[Path] = []
        while not started and time.monotonic() < deadline:
            started = sorted((out / "records").glob("*.started")) if (out / "records").is_dir() else []
            time.sleep(0.05)
        assert started, "the slow sink never started a record"
        assert not (out / "records" / (started[0].stem + ".json")).exists()  # still writing (2 s)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (out / "exited-cleanly").exists()
    for marker in (out / "records").glob("*.started"):  # every record begun was finished
        record = json.loads((out / "records" / (marker.stem + ".json")).read_text())
        assert record["camera"] == "cam-term"
    (health,) = json.loads((out / "health.json").read_text())
    assert health["state"] == "stopped" and health["violations"] >= 1
