"""Killing `enforce run` in the middle of a stay and starting it again gives exactly one case per stay.

A real GStreamer RTSP server plays (in real time, each client from the start) footage of the demo street with two
cars standing in the no-parking zone the whole time: the red car at the front, and the white SUV behind
it, partly hidden by it (seen by the part of it that shows, `vision.rules.views`). `enforce run` confirms
both stays, is SIGKILLed, and is started again: the camera's new client sees the same cars in the same
places with new capture times, so only the episode journal (and the writer's same-object index) keep
them from becoming second cases. Each resumed episode's `last_seen_at` moves on past the kill and no
second record is written for it: the stays were continued, not reported again and merged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.db.models.event import Event
from tests.support.rtsp import RtspServer, free_port

REPO = Path(__file__).resolve().parents[2]
ENFORCE = [sys.executable, "-m", "api.cli"]
DWELL = 8

pytestmark = pytest.mark.slow


def standing_car_footage(folder: Path) -> Path:
    """240 s of 1280x720 H.264 (5 fps, keyframe every second) of the demo street at 25 s, when two of
    its cars stand in the curb zone: 10 s encoded once, then joined 24 times without re-encoding."""
    still, ten, listing, video = (folder / n for n in ("still.png", "ten.mp4", "list.txt", "standing.mp4"))
    ffmpeg = ["ffmpeg", "-loglevel", "error", "-y"]
    subprocess.run([*ffmpeg, "-ss", "25", "-i", str(REPO / "demo" / "parking.mp4"), "-frames:v", "1",
                    "-vf", "scale=1280:720", str(still)], check=True, timeout=60)
    subprocess.run([*ffmpeg, "-loop", "1", "-framerate", "5", "-i", str(still), "-t", "10", "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", "30", "-g", "5", "-pix_fmt", "yuv420p", str(ten)],
                   check=True, timeout=60)
    listing.write_text(f"file '{ten}'\n" * 24, encoding="utf-8")
    subprocess.run([*ffmpeg, "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(video)],
                   check=True, timeout=60)
    return video


def cameras_file(folder: Path, source: str) -> Path:
    path = folder / "cameras.yaml"
    path.write_text(f"""
detectors:
  street:
    type: onnx
    weights: {REPO / "vision/models/street-v1/street-v1-int8.onnx"}
    image_size: 640
cameras:
  - id: curb-cam
    name: curb camera
    source: {source}
    timezone: Asia/Shanghai
    location: {{lat: 30.27, lon: 120.15, address: 人民路 128号, grid_code: "330102001003", responsible_unit: 一中队}}
    analysis_fps: 2
    detectors: [street]
    zones:
      - name: curb-east
        kind: no_parking
        polygon: [[0.529, 1.0], [0.846, 1.0], [0.563, 0.481], [0.403, 0.488]]
        dwell_seconds: {DWELL}
        photo_interval_seconds: 4
""", encoding="utf-8")
    return path


def events(database_url: str) -> list[Event]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Event).where(Event.violation_type == "illegal_parking")))
    finally:
        engine.dispose()


def wait_for(condition, timeout_s: float, proc: subprocess.Popen[str]) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"enforce run exited: {proc.stdout.read() if proc.stdout else ''}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(1)


def test_a_killed_and_restarted_run_keeps_one_case_per_stay(tmp_path: Path, database_url: str) -> None:
    server = RtspServer(None, "--file", str(standing_car_footage(tmp_path))).start()
    env = {
        **os.environ,
        "ENFORCE_DATABASE_URL": database_url,
        "ENFORCE_EVIDENCE_DIR": str(tmp_path / "store"),  # not "evidence": cwd is on sys.path
        "ENFORCE_SIGNING_KEY": str(tmp_path / "keys" / "signing.key"),
        "ENFORCE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "ENFORCE_CONFIG": str(cameras_file(tmp_path, server.url())),
        "ENFORCE_SOURCE_ALLOWED_NETWORKS": "127.0.0.1/32",
    }

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen([*ENFORCE, "run", "--port", str(free_port())], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    first = start()
    try:
        wait_for(lambda: len(events(database_url)) >= 2, 150, first)
        first.kill()  # SIGKILL: nothing is flushed, nothing said goodbye
        first.wait(10)
        killed_at: dict[str, datetime] = {c.episode_key: c.last_seen_at or c.confirmed_at for c in events(database_url)}
        assert len(killed_at) == 2

        def both_continued() -> bool:
            return all((c.last_seen_at or killed_at[c.episode_key]) > killed_at[c.episode_key] for c in
                       events(database_url) if c.episode_key in killed_at)

        second = start()
        try:
            # Past the stop time twice over on the second run: a new stay would have been confirmed.
            wait_for(both_continued, 150, second)
            time.sleep(2 * DWELL + 6)
            assert second.poll() is None
        finally:
            second.kill()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        server.kill()
    cases = events(database_url)
    assert {c.episode_key for c in cases} == set(killed_at), [(c.episode_key, c.first_seen_at) for c in cases]
    assert all(c.episode_ended_at is None for c in cases)
    # Continued, not merged: the restarted camera reported nothing new (a second violation of the same
    # car would have been folded into its case by its plate, as a supplement record counted here).
    assert [c.detection_count for c in cases] == [1, 1]
    # where each stands (the key ends with its ground point): the red car low in the picture, the white
    # SUV farther up the curb
    heights = sorted(float(c.episode_key.rsplit(",", 1)[1]) for c in cases)
    assert heights[0] < 0.7 < heights[1], heights
