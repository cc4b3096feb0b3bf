"""Camera-shard wiring for Ray tests: the bright-object analyzer (no detector) and the real evidence
path (the store's writer actor), so a test on two cores can run several cameras per node."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from api.pipeline.context import ModelIdentity, camera_context
from api.ray_mode.evidence import RemoteEvidenceSink
from domain.types import Frame, Violation
from ingest.config import CameraConfig
from ingest.protocols import FrameAnalyzer, ViolationSink
from tests.support.bright_square import BrightSquareAnalyzer

TEST_MODEL = ModelIdentity("bright-square", "0" * 64, "test")


class TaggedAnalyzer:
    """Episode keys carry the worker's process and instance, so a camera restarted on another node
    starts new episodes instead of continuing the lost node's (that is the journal's job in production)."""

    def __init__(self, inner: BrightSquareAnalyzer, tag: str):
        self.inner = inner
        self.tag = tag

    def process(self, frame: Frame, detect: bool) -> list[Violation]:
        return [
            dataclasses.replace(v, episode_key=f"{v.episode_key}:{self.tag}") for v in self.inner.process(frame, detect)
        ]


class BrightSquareShardWiring:
    def __init__(self, writer: Any, persist_s: float):
        self.writer = writer
        self.persist_s = persist_s
        self.instances = 0

    def analyzer_for(self, camera: CameraConfig) -> FrameAnalyzer:
        self.instances += 1
        inner = BrightSquareAnalyzer(camera.id, persist_s=self.persist_s)
        return TaggedAnalyzer(inner, f"{os.getpid()}-{self.instances}")

    def sink(self) -> ViolationSink:
        return RemoteEvidenceSink(self.writer, lambda camera: camera_context(camera, TEST_MODEL, "0" * 64))


@dataclass(frozen=True)
class BrightSquareShardFactory:
    writer: Any
    persist_s: float = 3.0

    def __call__(self) -> BrightSquareShardWiring:
        return BrightSquareShardWiring(self.writer, self.persist_s)
