"""Four cameras, each with its own OpenVINO detector, making their first inference at the same moment
do not hang (OpenVINO's numpy bridge is set up at import; without that, 4 of 10 such starts hung)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
SCRIPT = """
import threading, numpy as np
from ingest.config import load_config
from vision.detectors import build_detector
config = load_config("configs/cameras.yaml").detectors["street"]
detectors = [build_detector(config) for _ in range(4)]
frame = np.full((360, 640, 3), 90, np.uint8)
start = threading.Barrier(4)
def first_call(detector):
    start.wait()
    detector.detect(frame)
threads = [threading.Thread(target=first_call, args=(d,)) for d in detectors]
for t in threads: t.start()
for t in threads: t.join()
print("answered")
"""


@pytest.mark.slow
def test_first_inferences_at_once_do_not_hang() -> None:
    for _ in range(3):  # a hang came in 4 of 10 starts; three starts miss it 1 time in 5
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "answered"
