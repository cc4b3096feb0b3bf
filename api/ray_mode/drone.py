"""Drone jobs as Ray tasks: each queued flight is processed by a task on the node holding the uploads.

State stays in the database as in embedded mode (status, progress and detail, shown by the API);
the task runs the same `DroneJobRunner.process`, whose findings are keyed so that a rerun adds none,
which makes a retried task (`max_retries`, e.g. after its worker died) and a resumed flight safe.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
from sqlalchemy import select

from api.db.base import make_engine, make_session_factory, session_scope
from api.db.models import Flight
from api.drone_jobs import DroneJobRunner, JobResult, drone_runner
from api.pipeline.context import FlightSource, flight_context
from domain.types import Violation
from ingest.config import load_config

log = logging.getLogger(__name__)


class RemoteFlightSink:
    """A drone task's sink: the record is written by the store's writer actor before `submit` returns."""

    def __init__(self, writer: Any, config_sha256: str):
        self.writer = writer
        self.config_sha256 = config_sha256

    def submit(self, violation: Violation, flight: FlightSource) -> None:
        context = flight_context(violation, flight, self.config_sha256)
        ray.get(self.writer.write.remote(ray.put(violation), context))


@dataclass(frozen=True)
class DroneTaskSpec:
    """What a task needs to rebuild the runner on its worker (paths absolute)."""

    database_url: str
    upload_dir: Path
    config_path: Path
    writer: Any  # the evidence writer actor's handle

    def runner(self) -> DroneJobRunner:
        from ingest.config.loader import config_sha256

        factory = make_session_factory(make_engine(self.database_url))
        sink = RemoteFlightSink(self.writer, config_sha256(self.config_path))
        return drone_runner(factory, self.upload_dir, load_config(self.config_path), sink)


def process_flight(spec: DroneTaskSpec, flight_id: int) -> JobResult:
    logging.basicConfig(level=logging.INFO)
    return spec.runner().process(flight_id)


class RayDroneJobs:
    """Polls the database for queued flights (and ones a restart left processing) and runs each as
    one Ray task at a time per flight."""

    def __init__(self, spec: DroneTaskSpec, local: DroneJobRunner, node_id: str, *, max_retries: int = 2):
        self.spec = spec
        self.local = local  # reads the queue; never processes in this process
        self.task = ray.remote(process_flight).options(  # type: ignore[attr-defined]
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
            max_retries=max_retries,
            retry_exceptions=False,
        )
        self.in_flight: dict[int, Any] = {}
        self.results: list[JobResult] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> None:
        """Flights of one survey area run in order (the first becomes the baseline of the later ones),
        different areas in parallel."""
        busy = set(self._areas(list(self.in_flight)).values())
        pending = self.local.pending()
        for flight_id, area_id in self._areas(pending).items():
            if flight_id not in self.in_flight and area_id not in busy:
                self.in_flight[flight_id] = self.task.remote(self.spec, flight_id)
                busy.add(area_id)
        if not self.in_flight:
            return
        done, _ = ray.wait(list(self.in_flight.values()), num_returns=len(self.in_flight), timeout=0)
        for flight_id, ref in list(self.in_flight.items()):
            if ref in done:
                del self.in_flight[flight_id]
                try:
                    result: JobResult = ray.get(ref)
                except Exception:  # noqa: BLE001 - a task lost for good: the flight stays pending and is retried
                    log.exception("drone task for flight %d failed; it is offered again", flight_id)
                    continue
                self.results.append(result)
                log.info("drone flight %d: %s (%s)", flight_id, result.status, result.detail)

    def _areas(self, flight_ids: list[int]) -> dict[int, int | None]:
        """Flight id -> survey area id, in flight order (pending() is ordered by id)."""
        with session_scope(self.local.sessions) as s:
            query = select(Flight.id, Flight.survey_area_id).where(Flight.id.in_(flight_ids))
            rows: dict[int, int | None] = {flight_id: area_id for flight_id, area_id in s.execute(query)}
        return {flight_id: rows.get(flight_id) for flight_id in flight_ids}

    def start(self, poll_seconds: float = 2.0) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.poll_once()
                except Exception:  # noqa: BLE001 - the runner must outlive one bad pass
                    log.exception("drone job pass failed")
                self._stop.wait(poll_seconds)

        self._thread = threading.Thread(target=loop, name="ray-drone-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 60.0) -> None:
        """Stop polling and let tasks in flight finish (before the writer actor goes); a flight still
        running after `timeout_s` stays 'processing' and is resumed at the next start."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self.in_flight:
            ray.wait(list(self.in_flight.values()), num_returns=len(self.in_flight), timeout=timeout_s)
