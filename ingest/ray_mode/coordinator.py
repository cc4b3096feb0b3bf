"""Keeps the cluster running the cameras the registry says: one shard actor per camera node.

Every `interval_s` it reads the enabled cameras, lists the live nodes that offer the camera resource
(its amount is how many cameras the node takes), places cameras on nodes (sticky, see `assign`),
syncs each shard and reports the health the shards return. Cameras added, changed or removed in the
registry are picked up at the next pass; a lost node's shard is dropped and its cameras go to the
remaining nodes. A shard actor whose process dies on a live node is restarted by Ray
(`max_restarts`) and refilled by the next sync.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import ray
from ray.exceptions import GetTimeoutError, RayActorError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from ingest.config import CameraConfig
from ingest.health import CameraHealthSnapshot, HealthReporter
from ingest.ray_mode.assignment import assign
from ingest.ray_mode.shard import CameraShard, ShardReport, WiringFactory
from ingest.redact import mask_text

log = logging.getLogger(__name__)

CAMERA_RESOURCE = "enforce_cameras"  # `ray start --resources '{"enforce_cameras": 40}'`
CameraSource = Callable[[], Sequence[CameraConfig]]


def camera_nodes(resource: str = CAMERA_RESOURCE) -> dict[str, int]:
    """Live node id -> how many cameras it takes."""
    return {
        node["NodeID"]: int(node["Resources"].get(resource, 0))
        for node in ray.nodes()
        if node.get("Alive") and node["Resources"].get(resource, 0) >= 1
    }


class RayCameraCoordinator:
    def __init__(
        self,
        cameras: CameraSource,
        wiring_factory: WiringFactory,
        reporter: HealthReporter | None = None,
        *,
        interval_s: float = 2.0,
        call_timeout_s: float = 30.0,
        resource: str = CAMERA_RESOURCE,
        max_restarts: int = -1,
    ):
        self.cameras = cameras
        self.wiring_factory = wiring_factory
        self.reporter = reporter
        self.interval_s = interval_s
        self.call_timeout_s = call_timeout_s
        self.resource = resource
        self.max_restarts = max_restarts
        self.shards: dict[str, Any] = {}  # node id -> actor handle
        self.placement: dict[str, str] = {}  # camera id -> node id
        self.moves: dict[str, int] = {}  # camera id -> moves and shard restarts (added to its restarts)
        self._shard_pids: dict[str, int] = {}  # node id -> the shard process last seen there
        self._stop = threading.Event()
        self._pass_lock = threading.Lock()  # one pass at a time (the loop, and callers of sync_once)
        self._thread: threading.Thread | None = None
        self.passes = 0
        self._health: list[CameraHealthSnapshot] = []

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ray-camera-coordinator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the pass loop, then every shard's cameras (each finishes the evidence in hand)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.call_timeout_s)
        pending = [shard.stop.remote() for shard in self.shards.values()]
        try:
            ray.get(pending, timeout=self.call_timeout_s)
        except (GetTimeoutError, RayActorError) as exc:
            log.warning("a camera shard did not stop cleanly: %s", exc)
        for shard in self.shards.values():
            ray.kill(shard, no_restart=True)
        self.shards.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sync_once()
            except Exception:  # noqa: BLE001 - the loop must outlive a registry or cluster hiccup
                log.exception("camera coordinator pass failed")
            self._stop.wait(self.interval_s)

    # -- one pass ----------------------------------------------------------------------------------
    def sync_once(self) -> list[CameraHealthSnapshot]:
        """One pass; returns the health the shards gave in it."""
        with self._pass_lock:
            return self._pass()

    def _pass(self) -> list[CameraHealthSnapshot]:
        nodes = camera_nodes(self.resource)
        for node_id in [n for n in self.shards if n not in nodes]:
            log.warning("camera node %s lost; its cameras move to the remaining nodes", node_id[:12])
            self._drop(node_id)
        cameras = {c.id: c for c in self.cameras() if c.enabled}
        placement = assign(sorted(cameras), nodes, self.placement)
        for camera_id, node_id in placement.items():
            previous = self.placement.get(camera_id)
            if previous is not None and previous != node_id:
                self.moves[camera_id] = self.moves.get(camera_id, 0) + 1
                log.info("camera %s moves from node %s to %s", camera_id, previous[:12], node_id[:12])
        self.placement = placement
        calls = {
            node_id: self._shard(node_id).sync.remote(
                [cameras[c] for c, n in placement.items() if n == node_id], node_id
            )
            for node_id in nodes
        }
        health: list[CameraHealthSnapshot] = []
        for node_id, call in calls.items():
            report = self._result(node_id, call)
            if report is not None:
                self._note_restart(node_id, report)
                health.extend(self._with_moves(s) for s in report.health)
        self._health = health
        if self.reporter is not None and health:
            try:
                self.reporter.report(health)
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the cameras
                log.exception("camera health report failed")
        self.passes += 1
        return health

    def _result(self, node_id: str, call: Any) -> ShardReport | None:
        try:
            report: ShardReport = ray.get(call, timeout=self.call_timeout_s)
            return report
        except RayActorError as exc:  # the actor is gone for good (its node died, or restarts ran out)
            log.warning("camera shard on node %s died: %s", node_id[:12], mask_text(str(exc))[:300])
            self._drop(node_id)
        except GetTimeoutError:
            log.warning("camera shard on node %s did not answer in %.0f s", node_id[:12], self.call_timeout_s)
        return None

    def _note_restart(self, node_id: str, report: ShardReport) -> None:
        """A shard answering from a new process was restarted by Ray: its cameras count a restart."""
        previous = self._shard_pids.get(node_id)
        self._shard_pids[node_id] = report.pid
        if previous is not None and previous != report.pid:
            log.warning("camera shard on node %s was restarted; its cameras were started again", node_id[:12])
            for snap in report.health:
                self.moves[snap.camera_id] = self.moves.get(snap.camera_id, 0) + 1

    def _shard(self, node_id: str) -> Any:
        shard = self.shards.get(node_id)
        if shard is None:
            actor = ray.remote(CameraShard).options(  # type: ignore[attr-defined]
                scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
                max_restarts=self.max_restarts,
                max_concurrency=4,  # health while a slow sync stops a camera
                num_cpus=0,  # decoding threads, not a reserved core: capacity is the node's camera resource
            )
            shard = self.shards[node_id] = actor.remote(self.wiring_factory)
        return shard

    def _drop(self, node_id: str) -> None:
        shard = self.shards.pop(node_id, None)
        self._shard_pids.pop(node_id, None)
        if shard is not None:
            ray.kill(shard, no_restart=True)
        for camera_id in [c for c, n in self.placement.items() if n == node_id]:
            del self.placement[camera_id]
            self.moves[camera_id] = self.moves.get(camera_id, 0) + 1

    def _with_moves(self, snap: CameraHealthSnapshot) -> CameraHealthSnapshot:
        moved = self.moves.get(snap.camera_id, 0)
        return dataclasses.replace(snap, restarts=snap.restarts + moved) if moved else snap

    def health(self) -> list[CameraHealthSnapshot]:
        """The last pass's health of every camera that answered (the API's live figures)."""
        return list(self._health)

    def node_of(self, camera_id: str) -> str | None:
        return self.placement.get(camera_id)
