"""The shared detector actor batches frames from many callers and answers each as a one-frame call
would (street-v2 on the demo footage, on a one-node Ray started for the test)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from domain.types import Detections
from tests.support.ray_cluster import RAY_ENV
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.onnx_backend import OnnxDetector

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parents[3]
CONFIG = OnnxDetectorConfig(
    type="onnx", weights=REPO / "vision/models/street-v2/street-v2-int8.onnx", image_size=640, confidence=0.25
)


def demo_frames(count: int) -> list[npt.NDArray[np.uint8]]:
    frames: list[npt.NDArray[np.uint8]] = []
    with av.open(str(REPO / "demo/parking.mp4")) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % 10 == 0:
                frames.append(np.asarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8))
            if len(frames) == count:
                break
    return frames


@pytest.fixture
def local_ray(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in RAY_ENV.items():
        monkeypatch.setenv(key, value)
    ray.init(num_cpus=1, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def same(a: Detections, b: Detections) -> bool:
    close = np.allclose(a.boxes, b.boxes, atol=0.5) and np.allclose(a.scores, b.scores, atol=1e-3)
    return a.labels == b.labels and close


def test_a_batch_answers_as_one_frame_runs_do() -> None:
    detector = OnnxDetector(CONFIG)
    frames = demo_frames(4)
    batched = detector.detect_batch(frames)
    assert sum(len(d) for d in batched) > 0, "the demo frames should show vehicles"
    for frame, result in zip(frames, batched, strict=True):  # frames of one size: detect's own input shape
        assert same(detector.detect(frame), result)
    mixed = detector.detect_batch([frames[0], frames[1][:480, :640]])  # two sizes: one square letterbox
    assert set(mixed[0].labels) == set(batched[0].labels)


def test_actor_batches_many_callers(local_ray: None) -> None:
    from ingest.ray_mode.detector_actor import RemoteDetector, start_batching_detector

    node = ray.get_runtime_context().get_node_id()
    actor = start_batching_detector("street", CONFIG, node, max_batch=8, max_wait_s=0.05)
    remote = RemoteDetector(actor)
    assert remote.model_name == "street-v2-int8" and remote.detector_type == "onnx"
    frames = demo_frames(8)
    expected = OnnxDetector(CONFIG).detect_batch(frames)
    with ThreadPoolExecutor(8) as pool:  # eight cameras asking at once
        results = list(pool.map(remote.detect, frames))
    assert all(same(got, want) for got, want in zip(results, expected, strict=True))
    stats = ray.get(actor.stats.remote())
    assert stats.frames == 8 and stats.largest > 1, stats  # frames of several callers shared a run


def test_actor_answers_a_zones_window_at_its_own_size_apart_from_whole_frames(local_ray: None) -> None:
    """A camera detecting its zones' window asks for a smaller input: the actor answers it as the
    detector does alone at that size, and never runs it in one call with whole frames at 640."""
    from ingest.ray_mode.detector_actor import RemoteDetector, start_batching_detector

    node = ray.get_runtime_context().get_node_id()
    actor = start_batching_detector("street", CONFIG, node, max_batch=8, max_wait_s=0.5)
    remote = RemoteDetector(actor)
    assert remote.image_size == 640
    frames = demo_frames(2)
    window = frames[0][365:1080, 620:1778]  # demo-parking's zone window, a view of the frame
    local = OnnxDetector(CONFIG)
    want_window, want_frame = local.detect_at_size(window, 416), local.detect(frames[1])
    assert len(want_window) and len(want_frame)
    with ThreadPoolExecutor(4) as pool:
        got = list(
            pool.map(
                lambda call: call(),
                [lambda: remote.detect_at_size(window, 416), lambda: remote.detect(frames[1])] * 2,
            )
        )
    assert same(got[0], want_window) and same(got[2], want_window)
    assert same(got[1], want_frame) and same(got[3], want_frame)
    stats = ray.get(actor.stats.remote())
    assert stats.frames == 4 and stats.batches >= 2, stats  # the two sizes never share a run
