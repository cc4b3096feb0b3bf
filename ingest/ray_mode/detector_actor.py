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
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import ray

from domain.types import Detections
from vision.detectors.base import input_size
from vision.detectors.batch import batch_key, detect_many
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
    image_size: int = 0  # the configured input's long side; 0: the detector cannot resize its input


@dataclass(frozen=True)
class _Request:
    image: npt.NDArray[np.uint8]
    image_size: int | None
    answer: asyncio.Future[Detections]


class BatchingDetector:
    """Hosted as an async Ray actor (`max_concurrency` callers wait at once)."""

    def __init__(self, config: DetectorConfig, *, max_batch: int = 8, max_wait_s: float = 0.01):
        self.detector = build_detector(config)
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._queue: asyncio.Queue[_Request] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._batches = self._frames = self._largest = 0

    def identity(self) -> DetectorIdentity:
        d = self.detector
        return DetectorIdentity(d.model_name, d.weights_sha256, d.detector_type, tuple(d.labels), input_size(d))

    async def detect(self, image: npt.NDArray[np.uint8], image_size: int | None = None) -> Detections:
        """Detections of one frame, at `image_size` (the input's long side; None: the configured one)."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run())
        future: asyncio.Future[Detections] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(image, image_size, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            gathered = [await self._queue.get()]
            deadline = time.monotonic() + self.max_wait_s
            while len(gathered) < self.max_batch:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    gathered.append(await asyncio.wait_for(self._queue.get(), left))
                except TimeoutError:
                    break
            groups: dict[Hashable, list[_Request]] = {}
            for request in gathered:  # one batched call per input size and frame shape
                groups.setdefault(batch_key(self.detector, request.image, request.image_size), []).append(request)
            for batch in groups.values():
                await self._answer(batch)

    async def _answer(self, batch: list[_Request]) -> None:
        images = [request.image for request in batch]
        try:
            results = await asyncio.to_thread(detect_many, self.detector, images, batch[0].image_size)
        except Exception as exc:  # noqa: BLE001 - every caller gets the error, the actor keeps serving
            for request in batch:
                request.answer.set_exception(exc)
            return
        self._batches += 1
        self._frames += len(batch)
        self._largest = max(self._largest, len(batch))
        for request, result in zip(batch, results, strict=True):
            request.answer.set_result(result)

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
        self.image_size = identity.image_size  # 0: the actor's detector cannot resize (whole frames only)

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        frame = ray.put(image)  # by reference: the actor reads it from the node's shared object store
        result: Detections = ray.get(self.actor.detect.remote(frame))
        return result

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        """`detect` at another input size (the analyzer's zones' window)."""
        frame = ray.put(np.ascontiguousarray(image))
        result: Detections = ray.get(self.actor.detect.remote(frame, image_size))
        return result
