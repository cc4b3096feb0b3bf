"""The street wiring for camera shards: built on each node from plain, picklable settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ray

from api.db.base import make_engine, make_session_factory
from api.db.episode_journal import DbEpisodeJournal
from api.db.view_memory import DbViewMemory
from api.pipeline.context import ModelIdentity
from api.pipeline.street import StreetWiring
from api.ray_mode.evidence import RemoteEvidenceSink
from ingest.config import CameraConfig, load_config
from ingest.protocols import FrameAnalyzer, ViolationSink
from ingest.ray_mode.detector_actor import RemoteDetector, start_batching_detector
from vision.detectors.base import Detector


class SharedDetectorStreetWiring(StreetWiring):
    """Street wiring whose cameras share one batching detector actor per detector and node (on the
    node's GPU where it has one) instead of a model copy per camera."""

    def detector_for(self, camera: CameraConfig) -> Detector:
        name = camera.detectors[0]
        node_id = ray.get_runtime_context().get_node_id()
        gpus = next((n["Resources"].get("GPU", 0) for n in ray.nodes() if n["NodeID"] == node_id), 0)
        actor = start_batching_detector(name, self.config.detectors[name], node_id, num_gpus=1 if gpus else 0)
        detector = RemoteDetector(actor)
        self.models[camera.id] = ModelIdentity.of(detector)
        return detector


class StreetShardWiring:
    """One node's street wiring: per-camera detector, analyzer and plate reader as in embedded mode,
    open episodes and remembered views from the database, violations to the store's writer actor."""

    def __init__(self, street: StreetWiring, writer: Any):
        self.street = street
        self.writer = writer

    def analyzer_for(self, camera: CameraConfig) -> FrameAnalyzer:
        return self.street.analyzer_for(camera)

    def sink(self) -> ViolationSink:
        return RemoteEvidenceSink(self.writer, self.street.context_for)


@dataclass(frozen=True)
class StreetShardFactory:
    """Pickled to every camera node (config path and database URL absolute)."""

    config_path: Path
    database_url: str
    writer: Any  # the evidence writer actor's handle
    shared_detectors: bool = True  # one batching detector actor per node, else a model per camera

    def __call__(self) -> StreetShardWiring:
        engine = make_engine(self.database_url)
        sessions = make_session_factory(engine)
        kind = SharedDetectorStreetWiring if self.shared_detectors else StreetWiring
        street = kind(
            load_config(self.config_path), self.config_path, journal=DbEpisodeJournal(sessions),
            views=DbViewMemory(sessions),
        )
        return StreetShardWiring(street, self.writer)
