"""The street wiring: live cameras read plates in the one pool of the process, files read inline;
cameras that name one detector share one batching detector, and each record still names its model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.pipeline.context import ModelIdentity
from api.pipeline.street import StreetWiring
from ingest.config import AppConfig, CameraConfig, load_config
from vision.detectors import DetectorError
from vision.detectors.shared import SharedDetector

CONFIG = Path(__file__).resolve().parents[4] / "configs" / "cameras.yaml"


def test_live_cameras_share_the_plate_pool_and_files_read_inline() -> None:
    config = load_config(CONFIG)
    wiring = StreetWiring(config, CONFIG)
    demo = next(c for c in config.cameras if c.id == "demo-parking")
    live = [demo.model_copy(update={"id": f"live-{i}", "source": f"rtsp://cam{i}.example/stream"}) for i in range(2)]
    from_file = wiring.analyzer_for(demo)
    first, second = (wiring.analyzer_for(c) for c in live)
    assert from_file.plates is not None and from_file.plates.pool is None
    assert first.plates is not None and second.plates is not None
    assert first.plates.pool is wiring.plate_pool and second.plates.pool is wiring.plate_pool
    wiring.close()


def _cameras(config: AppConfig) -> list[CameraConfig]:
    """Two cameras on the shipped `street` detector and the demo parking camera on `street-v2`."""
    demo = next(c for c in config.cameras if c.id == "demo-parking")
    street = [demo.model_copy(update={"id": f"street-{i}", "detectors": ["street"]}) for i in range(2)]
    return [*street, demo]


def test_cameras_naming_one_detector_share_it_until_the_wiring_closes() -> None:
    config = load_config(CONFIG)
    wiring = StreetWiring(config, CONFIG)
    first, second, demo = (wiring.detector_for(camera) for camera in _cameras(config))
    assert isinstance(first, SharedDetector) and first is second
    assert isinstance(demo, SharedDetector) and demo is not first
    assert first.max_batch == config.shared_detector.max_batch
    assert (first.callers, demo.callers) == (2, 1)  # a batch goes once all its cameras have a frame waiting
    again = wiring.detector_for(_cameras(config)[0])  # a restarted camera gets the same one
    assert again is first and first.callers == 2
    runs = config.detectors["street"].runtime_weights().stem  # the 8-bit copy on VNNI CPUs, the 7-bit one elsewhere
    assert runs in ("street-v4-int8-vnni_openvino_model", "street-v4-int8_openvino_model")
    street = ModelIdentity(runs, first.weights_sha256, "openvino")
    assert wiring.models["street-0"] == wiring.models["street-1"] == street
    assert wiring.models["demo-parking"] == ModelIdentity("street-v2-int8", demo.weights_sha256, "onnx")
    frame = np.zeros((360, 640, 3), np.uint8)
    assert len(first.detect(frame)) == 0
    wiring.close()
    with pytest.raises(DetectorError, match=f"shared detector '{runs}' is closed"):
        first.detect(frame)


def test_with_sharing_off_every_camera_builds_its_own_detector() -> None:
    config = load_config(CONFIG)
    config.shared_detector.enabled = False
    wiring = StreetWiring(config, CONFIG)
    first, second, _ = (wiring.detector_for(camera) for camera in _cameras(config))
    assert not isinstance(first, SharedDetector) and first is not second
    assert ModelIdentity.of(first) == ModelIdentity.of(second) == wiring.models["street-0"]
    assert wiring.shared == {}
    wiring.close()
