"""Evidence across nodes: one writer actor per store, on the node that holds the store.

Camera shards on any node send each violation (frames travel through Ray's object store) with its
record context to the store's one `EvidenceWriterActor`, which runs the same `EvidenceWriter` as
embedded mode: spool while the store is unwritable, signatures, the hash chain, crash recovery on
open. `RemoteEvidenceSink.submit` returns only once the record is written (or spooled), so a
violation a camera has confirmed is on disk before the camera moves on, as in embedded mode.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayActorError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
from sqlalchemy.engine import make_url

from api.db.evidence_sink import open_writer
from domain.types import Violation
from evidence.errors import StoreUnavailableError
from evidence.records import RecordContext
from ingest.config import CameraConfig

log = logging.getLogger(__name__)


@dataclass
class StoreSettings:
    """The evidence settings as absolute paths (Ray workers do not run in the API's folder)."""

    database_url: str
    evidence_dir: Path
    signing_key: Path

    @classmethod
    def absolute(cls, database_url: str, evidence_dir: Path, signing_key: Path) -> StoreSettings:
        return cls(absolute_database_url(database_url), evidence_dir.resolve(), signing_key.resolve())


def absolute_database_url(url: str) -> str:
    """A relative SQLite file becomes absolute; other URLs are returned as given."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)
    return url


class EvidenceWriterActor:
    """Hosted as a Ray actor (one per store, restarted on failure; recovery runs on each open)."""

    def __init__(self, settings: StoreSettings):
        logging.basicConfig(level=logging.INFO)
        self.writer = open_writer(settings)
        self.written = 0
        self.spooled = 0

    def write(self, violation: Violation, context: RecordContext) -> str | None:
        """The record id, or None where the store was unwritable and the violation was spooled."""
        try:
            record = self.writer.write(violation, context)
        except StoreUnavailableError as exc:
            self.spooled += 1
            log.error("%s", exc)  # already names the cause and where the violation is kept
            return None
        self.written += 1
        log.info(
            "%s on %s (%s) -> evidence record %s (%s)",
            violation.violation_type, context.device_id, violation.zone_name, record.record_id, record.kind,
        )
        return record.record_id

    def retry_spooled(self) -> int:
        try:
            return len(self.writer.retry_spooled())
        except (StoreUnavailableError, OSError) as exc:
            log.warning("evidence store still unavailable: %s", exc)
            return 0

    def finish_pending(self) -> int:
        """Committed records still without database rows after this pass."""
        return len(self.writer.finish_pending())


def actor_name(settings: StoreSettings) -> str:
    return "evidence-writer-" + hashlib.sha256(str(settings.evidence_dir).encode()).hexdigest()[:16]


def start_evidence_actor(settings: StoreSettings, node_id: str | None = None) -> Any:
    """The store's writer actor on `node_id` (default: this process's node, which holds the store);
    an existing one for the same store is reused, so two API processes never write one store twice."""
    node_id = node_id or ray.get_runtime_context().get_node_id()
    actor = ray.remote(EvidenceWriterActor).options(  # type: ignore[attr-defined]
        name=actor_name(settings),
        get_if_exists=True,
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
        max_restarts=-1,
        num_cpus=0,
    )
    handle = actor.remote(settings)
    ray.get(handle.finish_pending.remote())  # type: ignore[attr-defined]  # opened (recovery done) before any camera starts
    return handle


ContextFor = Callable[[CameraConfig], RecordContext]


class RemoteEvidenceSink:
    """A camera worker's sink on any node: blocks until the writer actor has the record on disk.
    While the writer actor restarts, the same violation is offered again (for up to `retry_s`)."""

    def __init__(self, writer: Any, context_for: ContextFor, *, retry_s: float = 120.0):
        self.writer = writer
        self.context_for = context_for
        self.retry_s = retry_s

    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        context = self.context_for(camera)
        frames = ray.put(violation)  # pixels go to the object store once, not per retry
        deadline = time.monotonic() + self.retry_s
        while True:
            try:
                ray.get(self.writer.write.remote(frames, context))
                return
            except RayActorError as exc:
                if time.monotonic() > deadline:
                    raise
                log.warning("evidence writer unavailable (%s); offering %s again", exc, violation.episode_key)
                time.sleep(1.0)
