"""Shared detectors on a Ray node: one actor per detector and node batches the frames of many cameras.

A camera's analyzer holds a `RemoteDetector` (the `Detector` interface); each `detect` puts the frame
in the node's object store and sends the actor its reference, so pixels are not pickled into the
call. The actor gathers the requests that arrive within `max_wait_s`, up to `max_batch`, runs them as
one batch (a GPU where the actor was given one, else the CPU) and answers each caller.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import ray

from domain.types import Detections
from vision.detectors.batch import detect_many
from vision.detectors.config import DetectorConfig
from vision.detectors.factory import build_detector
from vision.detectors.shared import BatchStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetectorIdentity:
    model_name: str
    weights_sha256: str
    detector_type: str
    labels: tuple[str, ...]


class BatchingDetector:
    """Hosted as an async Ray actor (`max_concurrency` callers wait at once)."""

    def __init__(self, config: DetectorConfig, *, max_batch: int = 8, max_wait_s: float = 0.01):
        self.detector = build_detector(config)
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._queue: asyncio.Queue[tuple[npt.NDArray[np.uint8], asyncio.Future[Detections]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._batches = self._frames = self._largest = 0

    def identity(self) -> DetectorIdentity:
        d = self.detector
        return DetectorIdentity(d.model_name, d.weights_sha256, d.detector_type, tuple(d.labels))

    async def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run())
        future: asyncio.Future[Detections] = asyncio.get_running_loop().create_future()
        await self._queue.put((image, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            deadline = time.monotonic() + self.max_wait_s
            while len(batch) < self.max_batch:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), left))
                except TimeoutError:
                    break
            images = [image for image, _ in batch]
            try:
                results = await asyncio.to_thread(detect_many, self.detector, images)
            except Exception as exc:  # noqa: BLE001 - every caller gets the error, the actor keeps serving
                for _, future in batch:
                    future.set_exception(exc)
                continue
            self._batches += 1
            self._frames += len(batch)
            self._largest = max(self._largest, len(batch))
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)

    def stats(self) -> BatchStats:
        return BatchStats(self._batches, self._frames, self._largest)


def start_batching_detector(
    name: str, config: DetectorConfig, node_id: str, *, num_gpus: float = 0, max_batch: int = 8,
    max_wait_s: float = 0.01,
) -> Any:
    """The node's actor for this detector (reused if running), restarted on failure."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return (
        ray.remote(BatchingDetector)  # type: ignore[attr-defined]
        .options(
            name=f"detector-{name}-{node_id[:16]}",
            get_if_exists=True,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
            max_restarts=-1,
            max_task_retries=2,  # detection is idempotent
            max_concurrency=256,
            num_cpus=0,
            num_gpus=num_gpus,
        )
        .remote(config, max_batch=max_batch, max_wait_s=max_wait_s)
    )


class RemoteDetector:
    """The `Detector` interface for a camera's analyzer, backed by a node's batching actor."""

    def __init__(self, actor: Any):
        self.actor = actor
        identity: DetectorIdentity = ray.get(actor.identity.remote())
        self.model_name = identity.model_name
        self.weights_sha256 = identity.weights_sha256
        self.detector_type = identity.detector_type
        self.labels = identity.labels

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        frame = ray.put(image)  # by reference: the actor reads it from the node's shared object store
        result: Detections = ray.get(self.actor.detect.remote(frame))
        return result
