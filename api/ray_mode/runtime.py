"""Start and stop the camera workers on a Ray cluster (`enforce run --ray ADDRESS|auto`).

The API process is the Ray driver: it connects, starts the store's evidence-writer actor on its
own node (which holds the evidence folder), and runs the coordinator that keeps the cluster's
camera shards in line with the camera registry in the database.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ray
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.camera_config import enabled_cameras
from api.db.health_store import DbHealthReporter
from api.drone_jobs import DroneJobRunner, upload_root
from api.pipeline.camera_control import allowed_cameras
from api.ray_mode.drone import DroneTaskSpec, RayDroneJobs
from api.ray_mode.evidence import StoreSettings, absolute_database_url, start_evidence_actor
from api.ray_mode.wiring import StreetShardFactory
from api.settings import Settings
from api.source_policy import SourcePolicy
from ingest.config import CameraConfig
from ingest.ray_mode.coordinator import RayCameraCoordinator
from ingest.ray_mode.shard import WiringFactory

log = logging.getLogger(__name__)

WiringFor = Callable[[Any], WiringFactory]  # the writer actor's handle -> the shards' wiring


@dataclass
class RayCameras:
    coordinator: RayCameraCoordinator
    writer: Any

    def stop(self) -> None:
        self.coordinator.stop()
        ray.kill(self.writer, no_restart=True)


def connect(address: str) -> None:
    """`address` is `host:port` of the head's GCS, or `auto` (RAY_ADDRESS or the local cluster).
    Ray's driver replaces the SIGTERM handler with an immediate exit; the server's own handlers are
    put back so SIGTERM still stops cleanly (cameras finish the evidence in hand)."""
    if ray.is_initialized():
        return
    main = threading.current_thread() is threading.main_thread()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)} if main else {}
    ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    log.info("connected to Ray cluster %s (%d nodes)", address, len([n for n in ray.nodes() if n["Alive"]]))


def registry_cameras(
    session_factory: sessionmaker[Session], policy: SourcePolicy
) -> Callable[[], list[CameraConfig]]:
    """Read at every coordinator pass: cameras added, changed or removed through the API count."""

    def read() -> list[CameraConfig]:
        with session_scope(session_factory) as session:
            return allowed_cameras(policy, enabled_cameras(session))

    return read


def start_ray_cameras(
    session_factory: sessionmaker[Session],
    policy: SourcePolicy,
    store: StoreSettings,
    wiring_for: WiringFor,
    **coordinator_options: Any,
) -> RayCameras:
    writer = start_evidence_actor(store)
    coordinator = RayCameraCoordinator(
        registry_cameras(session_factory, policy),
        wiring_for(writer),
        DbHealthReporter(session_factory),
        **coordinator_options,
    )
    coordinator.start()
    return RayCameras(coordinator, writer)


def start_street_cameras_on_ray(session_factory: sessionmaker[Session], policy: SourcePolicy, settings: Settings,
                                address: str) -> RayCameras:
    """The production wiring: street analyzers (detector, tracker, rules, plates) on every node."""
    connect(address)
    store = StoreSettings.absolute(settings.database_url, settings.evidence_dir, settings.signing_key)
    config_path = settings.config.resolve()
    return start_ray_cameras(
        session_factory, policy, store, lambda writer: StreetShardFactory(config_path, store.database_url, writer),
        interval_s=settings.ray_pass_interval_s,
    )


def start_drone_jobs_on_ray(session_factory: sessionmaker[Session], settings: Settings, writer: Any) -> RayDroneJobs:
    """Queued flights as Ray tasks on this node (it holds the uploads), records through `writer`."""
    upload_dir = upload_root(settings).resolve()
    store_url = absolute_database_url(settings.database_url)
    spec = DroneTaskSpec(store_url, upload_dir, settings.config.resolve(), writer)
    jobs = RayDroneJobs(spec, DroneJobRunner(session_factory, upload_dir), ray.get_runtime_context().get_node_id())
    jobs.start()
    return jobs
