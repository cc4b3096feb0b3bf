"""Start and stop the whole pipeline inside the API process (the embedded default).

Reads as a list of `start_*` steps; each returns what the stop step needs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from api.db.base import session_scope
from api.db.camera_config import enabled_cameras
from api.db.episode_journal import DbEpisodeJournal
from api.db.evidence_sink import open_writer
from api.db.health_store import DbHealthReporter
from api.db.view_memory import DbViewMemory
from api.drone_jobs import DroneJobRunner, start_drone_jobs
from api.pipeline.camera_control import CameraControl, allowed_cameras
from api.pipeline.evidence_queue import QueuedEvidenceSink
from api.pipeline.sinks import FlightEvidenceSink
from api.pipeline.street import StreetWiring
from api.settings import Settings
from evidence.writer import EvidenceWriter
from ingest.config import AppConfig
from ingest.config.loader import config_sha256
from ingest.supervisor import Supervisor, embedded_supervisor

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    writer: EvidenceWriter
    supervisor: Supervisor | None = None
    wiring: StreetWiring | None = None  # the cameras' shared detectors and plate pool, closed after them
    sink: QueuedEvidenceSink | None = None
    drone_jobs: DroneJobRunner | None = None
    ray_cameras: Any = None  # api.ray_mode.runtime.RayCameras in Ray mode (ray imported only there)
    ray_drone_jobs: Any = None  # api.ray_mode.drone.RayDroneJobs in Ray mode
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)


def start_evidence(settings: Settings) -> EvidenceWriter:
    writer = open_writer(settings)
    report = writer.last_recovery
    if report is not None:
        log.info("evidence store %s opened: %s", settings.evidence_dir, report)
    return writer


def start_camera_workers(app: FastAPI, settings: Settings, config: AppConfig, pipeline: Pipeline) -> None:
    """One supervised worker per enabled camera in the database: the YAML ones and those integrators
    registered through the API. The supervisor runs even with no camera: cameras added, changed or
    disabled through the API start, restart or stop in it (app.state.camera_control)."""
    with session_scope(app.state.session_factory) as session:
        cameras = allowed_cameras(app.state.source_policy, enabled_cameras(session))
    if not cameras:
        log.info("no enabled cameras yet")
    factory = app.state.session_factory
    wiring = StreetWiring(config, settings.config, journal=DbEpisodeJournal(factory), views=DbViewMemory(factory))
    pipeline.wiring = wiring
    pipeline.sink = wiring.sink(pipeline.writer)
    supervisor = embedded_supervisor(
        cameras, wiring.analyzer_for, pipeline.sink, DbHealthReporter(app.state.session_factory)
    )
    supervisor.start()
    pipeline.supervisor = supervisor
    app.state.supervisor = supervisor
    app.state.camera_control = CameraControl(app.state.session_factory, app.state.source_policy, supervisor)


def start_camera_workers_on_ray(app: FastAPI, settings: Settings, address: str, pipeline: Pipeline) -> None:
    """Ray mode: camera shards on the cluster's nodes, evidence through the store's writer actor; the
    coordinator follows the camera registry while running and is the API's live health source."""
    from api.ray_mode.runtime import start_street_cameras_on_ray

    pipeline.ray_cameras = start_street_cameras_on_ray(
        app.state.session_factory, app.state.source_policy, settings, address
    )
    app.state.supervisor = pipeline.ray_cameras.coordinator


def start_drone_jobs_on_ray(app: FastAPI, settings: Settings, pipeline: Pipeline) -> None:
    """Ray mode: each queued flight is a Ray task on this node; its records go through the store's
    writer actor, its status and progress into the database as in embedded mode."""
    from api.ray_mode.runtime import start_drone_jobs_on_ray as start

    pipeline.ray_drone_jobs = start(app.state.session_factory, settings, pipeline.ray_cameras.writer)


def start_spool_retry(pipeline: Pipeline, interval_s: float = 30.0) -> None:
    """Violations kept back while the store was unwritable are retried until they are written."""

    def loop() -> None:
        while not pipeline.stop_event.wait(interval_s):
            if pipeline.sink is not None:
                pipeline.sink.retry_spooled()

    thread = threading.Thread(target=loop, name="evidence-spool-retry", daemon=True)
    thread.start()
    pipeline.threads.append(thread)


def start_row_retry(pipeline: Pipeline, interval_s: float = 5.0) -> None:
    """Records committed while the database refused their rows get them within seconds of its return,
    not only at the next write or restart."""

    def loop() -> None:
        while not pipeline.stop_event.wait(interval_s):
            try:
                still = pipeline.writer.finish_pending()
            except Exception:  # noqa: BLE001 - the pass must outlive a store or database failure
                log.exception("finishing committed evidence records failed; retried in %.0f s", interval_s)
                continue
            if still:
                log.warning("%d committed evidence record(s) still without database rows", len(still))

    thread = threading.Thread(target=loop, name="evidence-row-retry", daemon=True)
    thread.start()
    pipeline.threads.append(thread)


def start_drone_job_runner(app: FastAPI, settings: Settings, config: AppConfig, pipeline: Pipeline) -> None:
    """Uploaded flights become background jobs (the `drone:` section and its detector); findings go
    through the same evidence writer."""
    sink = FlightEvidenceSink(pipeline.writer, config_sha256(settings.config))
    pipeline.drone_jobs = start_drone_jobs(app, settings, config, sink)


def start_pipeline(
    app: FastAPI, settings: Settings, config: AppConfig, ray_address: str | None = None
) -> Pipeline:
    pipeline = Pipeline(writer=start_evidence(settings))
    app.state.evidence_writer = pipeline.writer
    if ray_address is None:
        start_camera_workers(app, settings, config, pipeline)
        start_drone_job_runner(app, settings, config, pipeline)
    else:
        start_camera_workers_on_ray(app, settings, ray_address, pipeline)
        start_drone_jobs_on_ray(app, settings, pipeline)
    start_spool_retry(pipeline)
    start_row_retry(pipeline)
    return pipeline


def stop_pipeline(pipeline: Pipeline) -> None:
    """Stop cameras first; each finishes the evidence it has in hand before its thread ends."""
    pipeline.stop_event.set()
    if pipeline.ray_drone_jobs is not None:
        pipeline.ray_drone_jobs.stop()
    if pipeline.ray_cameras is not None:
        pipeline.ray_cameras.stop()
    if pipeline.supervisor is not None:
        pipeline.supervisor.stop()
    if pipeline.wiring is not None:
        pipeline.wiring.close()
    if pipeline.drone_jobs is not None:
        pipeline.drone_jobs.stop()
    for thread in pipeline.threads:
        thread.join(timeout=5)
    log.info("pipeline stopped")
