"""The shared detector on the shipped `street` (OpenVINO INT8) and `street-v2` (ONNX INT8) models and
real frames of the real-data kit: concurrent cameras each get exactly what the detector gives alone,
batches form, a lone frame waits at most `max_wait_ms`, errors reach the callers of their batch only,
and a closed detector says so."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from domain.types import Detections
from ingest.config import load_config
from tests.support.concurrency import together
from tests.support.detections import identical
from vision.detectors import Detector, DetectorError, build_detector
from vision.detectors.base import SizedDetector
from vision.detectors.batch import KeyedBatchDetector
from vision.detectors.config import OnnxDetectorConfig, SharedDetectorConfig, UltralyticsDetectorConfig
from vision.detectors.shared import BatchStats, SharedDetector, worker_count

REPO = Path(__file__).resolve().parents[4]
CONFIG = load_config(REPO / "configs" / "cameras.yaml")


@pytest.fixture(scope="module", params=["street", "street-v2"])
def detector(request: pytest.FixtureRequest) -> Detector:
    """The shipped detector as a shared one builds it: ready for two concurrent calls."""
    return build_detector(CONFIG.detectors[request.param], parallel_calls=2)


def test_concurrent_cameras_each_get_what_the_detector_gives_alone(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    alone = [detector.detect(frame) for frame in street_frames]
    assert sum(len(d) for d in alone) >= 10  # real detections, so the comparison means something
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=20, workers=2)
    try:
        for _ in range(3):
            got = together([lambda f=frame: shared.detect(f) for frame in street_frames])
            for index, (mine, theirs) in enumerate(zip(got, alone, strict=True)):
                assert isinstance(mine, Detections) and identical(mine, theirs), f"frame {index}"
        stats = shared.stats()
        assert stats.frames == 3 * len(street_frames) and stats.largest > 1
    finally:
        shared.close()


def test_four_callers_together_run_as_one_batch(detector: Detector, street_frames: list[np.ndarray]) -> None:
    street = [frame for frame in street_frames if frame.shape == street_frames[0].shape][:4]
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=2000, workers=1)
    try:
        started = time.monotonic()
        got = together([lambda f=frame: shared.detect(f) for frame in street])
        waited = time.monotonic() - started
    finally:
        shared.close()
    assert all(isinstance(result, Detections) for result in got)
    assert shared.stats() == BatchStats(batches=1, frames=4, largest=4)
    assert waited < 2.0  # a full batch goes at once, without waiting out max_wait


def test_frames_of_one_model_input_share_a_batch(detector: Detector, street_frames: list[np.ndarray]) -> None:
    mixed = [street_frames[0], street_frames[4], street_frames[1], street_frames[5]]  # 1280x720 and 960x540
    alone = [detector.detect(frame) for frame in mixed]
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=2000, workers=1)
    try:
        got = together([lambda f=frame: shared.detect(f) for frame in mixed])
    finally:
        shared.close()
    for mine, theirs in zip(got, alone, strict=True):
        assert isinstance(mine, Detections) and identical(mine, theirs)
    # OpenVINO letterboxes both sizes to one 640x384 input, so one batch; the ONNX backend batches by size
    keyed = isinstance(detector, KeyedBatchDetector)
    assert shared.stats() == (BatchStats(1, 4, 4) if keyed else BatchStats(2, 4, 2))
    assert keyed == (detector.detector_type == "openvino")


def test_a_lone_camera_waits_at_most_max_wait_plus_one_inference(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    inference = []
    for _ in range(3):
        started = time.monotonic()
        detector.detect(street_frames[0])
        inference.append(time.monotonic() - started)
    latency = _one_call_latency(SharedDetector(detector, max_batch=4, max_wait_ms=300, workers=1), street_frames[0])
    assert 0.3 <= latency <= 0.3 + 2 * max(inference) + 0.05, (latency, inference)
    alone = SharedDetector(detector, max_batch=4, max_wait_ms=2000, workers=1)
    alone.callers = 1  # the only camera that uses it: nobody to wait for
    latency = _one_call_latency(alone, street_frames[0])
    assert latency <= 2 * max(inference) + 0.05 and latency < 2.0, (latency, inference)


def _one_call_latency(shared: SharedDetector, frame: np.ndarray) -> float:
    """Seconds one `detect` call took; the shared detector is closed afterwards."""
    try:
        started = time.monotonic()
        shared.detect(frame)
        return time.monotonic() - started
    finally:
        shared.close()


def test_an_error_reaches_the_callers_of_its_batch_and_the_next_call_works(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    bad = np.zeros((720, 1280, 4), np.uint8)  # four channels: the model takes three
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=200, workers=1)
    try:
        photo = np.ascontiguousarray(street_frames[4][:, :720])  # 4:3, another model input than the bad frames
        got = together([lambda: shared.detect(bad), lambda: shared.detect(bad), lambda: shared.detect(photo)])
        for error in got[:2]:
            assert isinstance(error, DetectorError), error
            assert f"detector {detector.model_name!r} failed on a batch of 2" in str(error)
            assert error.__cause__ is not None
        # the other size in the same gathering ran as a batch of its own
        assert isinstance(got[2], Detections) and identical(got[2], detector.detect(photo))
        street = street_frames[0]
        assert identical(shared.detect(street), detector.detect(street))  # the detector keeps serving
    finally:
        shared.close()


def test_a_closed_detector_fails_waiting_and_later_callers_with_its_name(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=5000, workers=2)
    threading.Timer(0.2, shared.close).start()
    started = time.monotonic()
    with pytest.raises(DetectorError, match=f"shared detector {detector.model_name!r} is closed"):
        shared.detect(street_frames[0])  # waits for company until the close
    assert time.monotonic() - started < 2.0
    with pytest.raises(DetectorError, match=f"shared detector {detector.model_name!r} is closed"):
        shared.detect(street_frames[0])


@pytest.mark.parametrize(
    ("config", "sharing", "workers"),
    [
        (CONFIG.detectors["street"], SharedDetectorConfig(), 1),
        (CONFIG.detectors["street"], SharedDetectorConfig(workers=3), 3),
        (OnnxDetectorConfig(type="onnx", weights=Path("m.onnx")), SharedDetectorConfig(workers=2), 2),
        (UltralyticsDetectorConfig(type="ultralytics", weights=Path("m.pt")), SharedDetectorConfig(workers=4), 1),
    ],
)
def test_worker_count(config: object, sharing: SharedDetectorConfig, workers: int) -> None:
    assert worker_count(config, sharing) == workers  # type: ignore[arg-type]


def test_a_window_at_its_own_input_size_gets_what_the_detector_gives_it_and_runs_apart(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    """A camera detecting its zones' window asks for a smaller input: it gets exactly what
    `detect_at_size` gives alone, and never shares a batched call with whole frames at 640."""
    assert isinstance(detector, SizedDetector)
    window = street_frames[0][200:600, 100:900]
    alone_window = detector.detect_at_size(window, 288)
    alone_frame = detector.detect(street_frames[1])
    assert len(alone_frame) >= 2  # real detections
    shared = SharedDetector(detector, max_batch=4, max_wait_ms=2000, workers=1)
    try:
        got = together(
            [
                lambda: shared.detect_at_size(window, 288),
                lambda: shared.detect(street_frames[1]),
                lambda: shared.detect_at_size(window, 288),
                lambda: shared.detect(street_frames[1]),
            ]
        )
    finally:
        shared.close()
    assert identical(got[0], alone_window) and identical(got[2], alone_window)
    assert identical(got[1], alone_frame) and identical(got[3], alone_frame)
    assert shared.stats() == BatchStats(batches=2, frames=4, largest=2)
    assert shared.image_size == 640


def test_a_frame_asked_at_the_configured_size_shares_a_batch_with_plain_calls(
    detector: Detector, street_frames: list[np.ndarray]
) -> None:
    shared = SharedDetector(detector, max_batch=2, max_wait_ms=2000, workers=1)
    try:
        got = together([lambda: shared.detect(street_frames[0]), lambda: shared.detect_at_size(street_frames[0], 640)])
    finally:
        shared.close()
    assert identical(got[0], got[1]) and len(got[0]) >= 1
    assert shared.stats() == BatchStats(batches=1, frames=2, largest=2)
