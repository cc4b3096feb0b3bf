"""Drone jobs as Ray tasks: queued flights of one area run in order on the node holding the uploads,
progress and status reach the database (the API reads them), findings become signed records."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.db.base import session_scope
from api.db.models import DroneFindingRow, Flight
from api.db.models.event import Event
from api.drone_jobs import DroneJobRunner
from api.ray_mode.drone import DroneTaskSpec, RayDroneJobs
from api.ray_mode.evidence import StoreSettings, start_evidence_actor
from tests.integration.drone.test_jobs import world  # noqa: F401 - the fixture
from tests.support.ray_cluster import RAY_ENV, REPO

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture
def local_ray(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {**RAY_ENV, "PYTHONPATH": str(REPO)}.items():
        monkeypatch.setenv(key, value)
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def test_flights_run_as_ray_tasks(world, local_ray: None, database_url: str, tmp_path: Path) -> None:  # noqa: ANN001, F811
    factory, uploads, ids, _ = world
    store = StoreSettings.absolute(database_url, tmp_path / "evidence", tmp_path / "keys" / "signing.key")
    writer = start_evidence_actor(store)
    config = REPO / "configs" / "cameras.yaml"
    local = DroneJobRunner(factory, uploads.resolve())
    for flight_id in (ids["before"], ids["after"]):
        local.enqueue(flight_id)
    jobs = RayDroneJobs(
        DroneTaskSpec(store.database_url, uploads.resolve(), config, writer), local,
        ray.get_runtime_context().get_node_id(),
    )
    deadline = time.monotonic() + 180
    while (local.pending() or jobs.in_flight) and time.monotonic() < deadline:
        jobs.poll_once()
        time.sleep(0.5)
    assert [r.status for r in jobs.results] == ["done", "done"], [r.detail for r in jobs.results]
    assert "baseline" in jobs.results[0].detail  # the first flight of the area ran first
    with session_scope(factory) as s:
        after = s.get(Flight, ids["after"])
        assert after is not None and after.status == "done" and after.progress == 1.0
        found = s.scalar(select(func.count()).select_from(DroneFindingRow).where(DroneFindingRow.flight_id == after.id))
        events = s.scalar(select(func.count()).select_from(Event).where(Event.flight_id == after.id))
    assert found and events == found  # every finding became a record + pending event, once
    env = {
        **os.environ, "PYTHONPATH": str(REPO), "ENFORCE_DATABASE_URL": database_url,
        "ENFORCE_EVIDENCE_DIR": str(store.evidence_dir), "ENFORCE_SIGNING_KEY": str(store.signing_key),
    }
    verify = subprocess.run([sys.executable, "-m", "api.cli", "verify", "--all"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
