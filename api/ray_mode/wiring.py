"""The street wiring for camera shards: built on each node from plain, picklable settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.db.base import make_engine, make_session_factory
from api.db.episode_journal import DbEpisodeJournal
from api.pipeline.street import StreetWiring
from api.ray_mode.evidence import RemoteEvidenceSink
from ingest.config import CameraConfig, load_config
from ingest.protocols import FrameAnalyzer, ViolationSink


class StreetShardWiring:
    """One node's street wiring: per-camera detector, analyzer and plate reader as in embedded mode,
    open episodes from the database journal, violations to the store's writer actor."""

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

    def __call__(self) -> StreetShardWiring:
        engine = make_engine(self.database_url)
        journal = DbEpisodeJournal(make_session_factory(engine))
        street = StreetWiring(load_config(self.config_path), self.config_path, journal=journal)
        return StreetShardWiring(street, self.writer)
