"""Live RTSP from a real GStreamer RTSP server: reconnect after the server dies, stall detection,
keyframe-only decode, no credentials in logs."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest

from evidence.clip import encode_clip
from evidence.clip_copy import copyable
from ingest.backoff import Backoff
from ingest.config import CameraConfig
from ingest.readers import FrameReader, PyAVReader, open_reader, options_for
from ingest.ring import decode_picture
from ingest.supervisor import Supervisor
from ingest.worker import CameraWorker
from tests.support.bright_square import BrightSquareAnalyzer, JsonDirSink
from tests.support.rtsp import RtspServer

pytestmark = pytest.mark.slow

LOCATION = {"lat": 30.2, "lon": 120.1, "address": "gate", "grid_code": "330102", "responsible_unit": "unit"}
SECRET = "s3cretPW"


@pytest.fixture
def server() -> Iterator[RtspServer]:
    # 320x240 at 10 fps, a keyframe every second; the white ball of the test pattern is "the bright square"
    srv = RtspServer(None, "--fps", "10", "--gop", "10", "--shared").start()
    yield srv
    srv.stop()


def rtsp_camera(server: RtspServer, **extra: object) -> CameraConfig:
    return CameraConfig(
        id="cam-rtsp",
        name="rtsp camera",
        source=server.url("/cam", f"admin:{SECRET}"),
        location=LOCATION,
        **extra,
    )


def reader_factory(stall_s: float) -> Callable[[CameraConfig], FrameReader]:
    return lambda cam: open_reader(cam, options_for(cam, stall_timeout_s=stall_s, open_timeout_s=stall_s))


class InMemoryReporter:
    def __init__(self) -> None:
        self.reports: list = []

    def report(self, snapshots) -> None:  # noqa: ANN001
        self.reports.extend(snapshots)


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s} s waiting for: {what}")


def test_worker_reconnects_after_the_server_dies_and_loses_no_violation(
    server: RtspServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cam = rtsp_camera(server, analysis_fps=5)
    sink = JsonDirSink(tmp_path / "out")
    analyzer = BrightSquareAnalyzer(cam.id, persist_s=1.5, max_gap_s=30)
    worker = CameraWorker(cam, reader_factory(3.0), analyzer, sink, backoff=Backoff(0.3, 1.0, jitter=0.2))
    reporter = InMemoryReporter()
    supervisor = Supervisor([cam], lambda _: worker, reporter, sinks=[sink], report_interval_s=0.2)
    supervisor.start()
    try:
        wait_until(lambda: len(sink.records()) >= 2, 20, "two violations from the live stream")
        assert worker.health().state == "running" and worker.health().reconnects == 0
        submitted_before = {p.name: p.read_text() for p in (tmp_path / "out").glob("*.json")}
        killed_at = datetime.now(UTC)
        server.kill()
        wait_until(lambda: worker.health().reconnects >= 1, 10, "the worker to notice the dead server")
        time.sleep(1.0)  # stays down through a few reconnect attempts
        server.start()
        restarted_at = datetime.now(UTC)
        wait_until(
            lambda: any(datetime.fromisoformat(r["confirmed_at"]) > restarted_at for r in sink.records()),
            20,
            "a violation confirmed after the restart",
        )
        wait_until(
            lambda: any(s.reconnects >= 1 and s.state == "running" for s in reporter.reports),
            5,
            "health reporting the reconnect with the camera running again",
        )
    finally:
        supervisor.stop(timeout_s=10)

    for name, text in submitted_before.items():  # nothing already submitted was lost or rewritten
        assert (tmp_path / "out" / name).read_text() == text
    spanning = [
        r
        for r in sink.records()
        if datetime.fromisoformat(r["first_seen_at"]) < killed_at < restarted_at
        and datetime.fromisoformat(r["confirmed_at"]) > restarted_at
    ]
    assert spanning, "the episode in flight when the server died completes after the reconnect"
    health = worker.health()
    assert health.reconnects >= 1 and health.restarts == 0
    assert health.last_error is not None and SECRET not in health.last_error
    assert "127.0.0.1" in health.last_error
    states = [s.state for s in reporter.reports]
    assert "reconnecting" in states or "stalled" in states
    assert states.index("running") < max(i for i, s in enumerate(states) if s == "running")
    assert health.clock_offset_s is not None and abs(health.clock_offset_s) < 1.0  # same clock on both ends
    assert SECRET not in caplog.text


def test_a_stalled_stream_is_detected_and_recovered(server: RtspServer, tmp_path: Path) -> None:
    cam = rtsp_camera(server, analysis_fps=2)
    sink = JsonDirSink(tmp_path / "out")
    worker = CameraWorker(
        cam, reader_factory(1.5), BrightSquareAnalyzer(cam.id), sink, backoff=Backoff(0.2, 0.5)
    )
    supervisor = Supervisor([cam], lambda _: worker, None)
    supervisor.start()
    try:
        wait_until(lambda: worker.health().frames_analysed >= 3, 15, "frames from the live stream")
        server.signal(signal.SIGSTOP)  # the server hangs: the connection stays open, no data comes
        wait_until(lambda: worker.health().state == "stalled", 8, "the stall to be detected")
        assert "stalled" in (worker.health().last_error or "") or "no answer" in (
            worker.health().last_error or ""
        )
        server.signal(signal.SIGCONT)
        analysed = worker.health().frames_analysed
        wait_until(
            lambda: worker.health().state == "running" and worker.health().frames_analysed > analysed + 2,
            15,
            "frames again after the stall",
        )
    finally:
        supervisor.stop(timeout_s=10)
    assert worker.health().reconnects >= 1


def test_keyframe_mode_on_a_live_stream_decodes_only_keyframes(server: RtspServer, tmp_path: Path) -> None:
    cam = rtsp_camera(server, analysis_fps=5, decode="keyframe")
    reader = open_reader(cam)
    assert isinstance(reader, PyAVReader)
    frames = []
    started = time.monotonic()
    for frame in reader:
        frames.append(frame)
        if len(frames) == 4:
            break
    reader.close()
    elapsed = time.monotonic() - started
    assert all(f.keyframe for f in frames)
    # a keyframe a second (the server may send a burst on connect); full decode would be 10 a second
    assert reader.stats.frames_decoded <= elapsed + 4
    gaps = [
        (b.captured_at - a.captured_at).total_seconds() for a, b in zip(frames[1:], frames[2:], strict=False)
    ]
    assert all(0.7 < g < 1.3 for g in gaps)  # a keyframe a second, stamped on arrival
    # the keyframe as sent over RTP (Annex B, set-up from the SDP) gives the same pixels; the connection's
    # first picture may come partly in a packet without a timestamp, which cannot be told apart: no packets
    kept = [f for f in frames if f.encoded is not None]
    assert len(kept) >= len(frames) - 1
    for frame in kept:
        assert frame.encoded is not None and frame.encoded.codec == "h264"
        assert np.array_equal(decode_picture(frame.encoded), frame.image)
    # and the evidence clip of those keyframes is the stream's own pictures (Annex B muxed into MP4)
    clip = tuple(f.encoded for f in kept if f.encoded is not None)
    assert copyable(clip)
    encode_clip(clip, tmp_path / "clip.mp4")
    with av.open(str(tmp_path / "clip.mp4")) as container:
        pictures = [p.to_ndarray(format="bgr24") for p in container.decode(video=0)]
    assert len(pictures) == len(kept)
    assert all(np.array_equal(p, f.image) for p, f in zip(pictures, kept, strict=True))
