"""Camera workers on a real local Ray cluster: a head and a second node (separate `ray start`
processes), cameras on both, the second node killed; its cameras run on the head within 30 s and
every violation confirmed before the kill has exactly one evidence record and one event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import make_engine, make_session_factory, session_scope
from api.db.health_store import stored_health
from api.db.models import Camera
from api.db.models.event import Event
from api.db.models.evidence import EvidenceRecordRow
from api.db.seed import seed_cameras
from api.ray_mode.evidence import StoreSettings
from api.ray_mode.runtime import RayCameras, start_ray_cameras
from api.settings import Settings
from api.source_policy import SourcePolicy
from ingest.config import load_config
from ingest.health import CameraHealthSnapshot
from tests.support.ray_cluster import RAY_ENV, REPO, LocalRayCluster
from tests.support.ray_wiring import BrightSquareShardFactory
from tests.support.rtsp import RtspServer

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CAMERAS = ["cam-a", "cam-b", "cam-c", "cam-d"]


@pytest.fixture
def rtsp() -> Iterator[RtspServer]:
    """A pipeline per client: GStreamer's shared media aborts the server (gst_rtsp_media_get_rates:
    assertion failed) when clients vanish mid-stream, as they do here when a node or shard is killed."""
    server = RtspServer(None, "--fps", "5", "--gop", "5").start()
    yield server
    server.kill()


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRayCluster]:
    """Head and node "b", each with room for 4 cameras; torn down even when the test fails."""
    for key, value in RAY_ENV.items():
        monkeypatch.setenv(key, value)
    local = LocalRayCluster()
    try:
        local.start_head({"enforce_cameras": 4})
        local.start_node("b", {"enforce_cameras": 4})
        local.wait_for("enforce_cameras", 2)
        ray.init(address=local.address, logging_level="ERROR", log_to_driver=False)
        yield local
    finally:
        ray.shutdown()
        local.stop()


def write_config(path: Path, rtsp: RtspServer) -> Path:
    camera = {
        "source": rtsp.url(),
        "analysis_fps": 5,
        "timezone": "Asia/Shanghai",
        "location": {"lat": 30.2, "lon": 120.1, "address": "test road", "grid_code": "g1", "responsible_unit": "u1"},
        "detectors": ["street"],
    }
    config = {
        "version": 1,
        "detectors": {"street": {"type": "onnx", "weights": str(REPO / "vision/models/street-v2/street-v2-int8.onnx")}},
        "cameras": [{"id": c, "name": c, **camera} for c in CAMERAS],
    }
    path.write_text(yaml.safe_dump(config))
    return path


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if check():
            return time.monotonic() - start
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout_s:.0f} s")


def running_on(cameras: RayCameras, session_factory: sessionmaker[Session]) -> dict[str, str]:
    """Camera id -> node id, for cameras whose stored health says running."""
    with session_scope(session_factory) as session:
        running = {s.camera_id for s in stored_health(session) if s.state == "running"}
    return {c: n for c, n in cameras.coordinator.placement.items() if c in running}


def health_of(session_factory: sessionmaker[Session], camera_id: str) -> CameraHealthSnapshot:
    with session_scope(session_factory) as session:
        return next(s for s in stored_health(session) if s.camera_id == camera_id)


def records_and_events(session_factory: sessionmaker[Session]) -> tuple[list[EvidenceRecordRow], list[Event]]:
    with session_scope(session_factory) as session:
        records = list(session.scalars(select(EvidenceRecordRow)))
        events = list(session.scalars(select(Event)))
        session.expunge_all()
    return records, events


def test_cameras_move_off_a_lost_node_and_lose_no_evidence(
    cluster: LocalRayCluster, rtsp: RtspServer, database_url: str, tmp_path: Path
) -> None:
    config_path = write_config(tmp_path / "cameras.yaml", rtsp)
    settings = Settings(
        config=config_path, database_url=database_url, evidence_dir=tmp_path / "evidence",
        signing_key=tmp_path / "keys" / "signing.key", source_allowed_networks=[IPv4Network("127.0.0.0/8")],
    )
    config = load_config(config_path)
    session_factory = make_session_factory(make_engine(database_url))
    with session_scope(session_factory) as session:
        seed_cameras(session, config)
    store = StoreSettings.absolute(database_url, settings.evidence_dir, settings.signing_key)
    cameras = start_ray_cameras(
        session_factory, SourcePolicy.from_settings(settings, config), store,
        lambda writer: BrightSquareShardFactory(writer, persist_s=3.0),
        interval_s=1.0, call_timeout_s=5.0,
    )
    try:
        head = ray.get_runtime_context().get_node_id()
        try:
            wait_until(lambda: len(running_on(cameras, session_factory)) == 4, 60, "all four cameras running")
        except AssertionError as exc:
            with session_scope(session_factory) as session:
                health = [(s.camera_id, s.state, s.last_error) for s in stored_health(session)]
            coordinator = cameras.coordinator
            raise AssertionError(
                f"{exc}: placement {coordinator.placement}, {coordinator.passes} passes, health {health}\n"
                f"RTSP server: {rtsp.log.read_text(errors='replace')[-500:]}\n{cluster.problems()}"
            ) from None
        nodes = running_on(cameras, session_factory)
        assert head in nodes.values() and len(set(nodes.values())) == 2, nodes  # both nodes run cameras
        lost = sorted(c for c, n in nodes.items() if n != head)

        # cameras added, changed or removed in the registry are followed without a restart
        with session_scope(session_factory) as session:
            session.execute(update(Camera).where(Camera.id == "cam-d").values(enabled=False))
        wait_until(lambda: "cam-d" not in cameras.coordinator.placement, 15, "cam-d removed")
        with session_scope(session_factory) as session:
            session.execute(update(Camera).where(Camera.id == "cam-d").values(enabled=True))
        wait_until(lambda: "cam-d" in running_on(cameras, session_factory), 30, "cam-d back")

        # a shard process that dies on a live node is restarted by Ray and refilled by the coordinator
        on_head = sorted(c for c, n in cameras.coordinator.placement.items() if n == head)
        os.kill(cameras.coordinator._shard_pids[head], signal.SIGKILL)
        wait_until(lambda: all(health_of(session_factory, c).restarts >= 1 for c in on_head), 45, "shard restarted")
        wait_until(lambda: all(c in running_on(cameras, session_factory) for c in on_head), 30, "cameras back")

        lost = sorted(c for c, n in cameras.coordinator.placement.items() if n != head)
        assert lost, "no camera on the second node"
        wait_until(
            lambda: {e.camera_id for e in records_and_events(session_factory)[1]} >= set(CAMERAS), 60,
            "evidence from every camera, on both nodes",
        )
        before, before_events = records_and_events(session_factory)

        cluster.kill_node("b")
        killed_at = time.monotonic()
        moved_in = wait_until(
            lambda: all(running_on(cameras, session_factory).get(c) == head for c in lost), 30,
            f"{lost} running on the head",
        )
        print(f"cameras {lost} running on the head {moved_in:.1f} s after the kill")
        wait_until(lambda: len(records_and_events(session_factory)[0]) > len(before), 30, "evidence after the move")
        assert time.monotonic() - killed_at < 90
    finally:
        cameras.stop()

    records, events = records_and_events(session_factory)
    assert {r.id for r in before} <= {r.id for r in records}  # confirmed before the kill: all still there
    assert {e.episode_key for e in before_events} <= {e.episode_key for e in events}
    assert all(n == 1 for n in Counter((e.camera_id, e.episode_key) for e in events).values())  # one event each
    event_records = Counter(e.evidence_record_id for e in events)
    primaries = {r.id for r in records if r.kind == "primary"}
    assert set(event_records) == primaries and all(n == 1 for n in event_records.values())  # one record each
    with session_scope(session_factory) as session:
        health = {s.camera_id: s for s in stored_health(session)}
    assert all(health[c].restarts >= 1 for c in lost)  # the move is counted, as a restart is
    assert all(health[c].restarts >= 1 for c in on_head)

    env = {
        **os.environ, "PYTHONPATH": str(REPO), "ENFORCE_CONFIG": str(config_path), "ENFORCE_DATABASE_URL": database_url,
        "ENFORCE_EVIDENCE_DIR": str(settings.evidence_dir), "ENFORCE_SIGNING_KEY": str(settings.signing_key),
    }
    verify = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify", "--all"], capture_output=True, text=True, env=env, timeout=120
    )
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
