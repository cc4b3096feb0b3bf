"""A shard of cameras on one node: each camera runs the embedded worker under its own supervisor.

`CameraShard` is a plain class; the coordinator hosts it in a Ray actor (`ray.remote(CameraShard)`).
`sync` is level-triggered: given the cameras this shard should run, it starts the missing ones,
restarts changed ones and stops removed ones, then returns their health. A restarted actor starts
empty and is brought back by the next `sync`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.config import CameraConfig
from ingest.health import CameraHealthSnapshot
from ingest.protocols import FrameAnalyzer, ViolationSink
from ingest.readers import open_reader
from ingest.supervisor import Supervisor
from ingest.worker import CameraWorker

log = logging.getLogger(__name__)


class ShardWiring(Protocol):
    """What a shard needs to build a camera's worker: its analyzer and the shared evidence sink."""

    def analyzer_for(self, camera: CameraConfig) -> FrameAnalyzer: ...

    def sink(self) -> ViolationSink: ...


# Pickled to every node and called there, so database engines and models are opened on that node.
WiringFactory = Callable[[], ShardWiring]


def fingerprint(camera: CameraConfig) -> str:
    """Changes whenever anything in the camera's configuration changes (credentials only hashed)."""
    return hashlib.sha256(camera.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class ShardReport:
    node_id: str
    pid: int
    health: list[CameraHealthSnapshot]


class CameraShard:
    def __init__(self, wiring_factory: WiringFactory, *, stall_after_s: float = 30.0, stop_timeout_s: float = 10.0):
        logging.basicConfig(level=logging.INFO)
        self.wiring = wiring_factory()
        self.sink = self.wiring.sink()
        self.stall_after_s = stall_after_s
        self.stop_timeout_s = stop_timeout_s
        self.running: dict[str, tuple[str, Supervisor]] = {}
        self._lock = threading.Lock()  # a sync that timed out may still run when the next arrives

    def sync(self, cameras: Sequence[CameraConfig], node_id: str = "") -> ShardReport:
        with self._lock:
            self._sync(cameras)
        return ShardReport(node_id=node_id, pid=os.getpid(), health=self.health())

    def _sync(self, cameras: Sequence[CameraConfig]) -> None:
        wanted = {c.id: c for c in cameras}
        for camera_id, (print_, supervisor) in list(self.running.items()):
            camera = wanted.get(camera_id)
            if camera is None or fingerprint(camera) != print_:
                log.info("camera %s %s on this shard", camera_id, "changed" if camera else "removed")
                supervisor.stop(self.stop_timeout_s)
                del self.running[camera_id]
        for camera_id, camera in wanted.items():
            if camera_id not in self.running:
                self.running[camera_id] = (fingerprint(camera), self._start(camera))

    def _start(self, camera: CameraConfig) -> Supervisor:
        supervisor = Supervisor(
            [camera],
            lambda cam: CameraWorker(cam, open_reader, self.wiring.analyzer_for(cam), self.sink),
            None,  # the coordinator collects health and reports it, as the embedded reporter would
            stall_after_s=self.stall_after_s,
        )
        supervisor.start()
        log.info("camera %s started on shard pid %d", camera.id, os.getpid())
        return supervisor

    def health(self) -> list[CameraHealthSnapshot]:
        return [snap for _, supervisor in self.running.values() for snap in supervisor.health()]

    def stop(self) -> None:
        with self._lock:
            for _, supervisor in self.running.values():
                supervisor.stop(self.stop_timeout_s)
            self.running.clear()
