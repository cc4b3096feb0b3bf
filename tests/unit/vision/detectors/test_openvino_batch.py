"""The OpenVINO backend on the shipped `street` IR (INT8, dynamic batch) and real frames: `detect_batch`
gives `detect`'s detections per image, in one inference per input shape or, for an IR with a fixed batch
of one, frame by frame; several threads may call one detector at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import pytest

from domain.types import Detections
from ingest.config import load_config
from tests.support.concurrency import together
from tests.support.detections import identical
from vision.detectors import build_detector
from vision.detectors.openvino_backend import OpenVinoDetector

REPO = Path(__file__).resolve().parents[4]
STREET = load_config(REPO / "configs" / "cameras.yaml").detectors["street"]


@pytest.fixture(scope="module")
def street() -> OpenVinoDetector:
    detector = build_detector(STREET, parallel_calls=2)
    assert isinstance(detector, OpenVinoDetector)
    return detector


def test_the_shipped_ir_takes_a_batch(street: OpenVinoDetector) -> None:
    assert street.batched


def test_detect_batch_equals_detect_per_image(street: OpenVinoDetector, street_frames: list[np.ndarray]) -> None:
    alone = [street.detect(frame) for frame in street_frames]
    assert sum(len(d) for d in alone) >= 10
    mixed = street_frames[::-1]  # two sizes, interleaved with their order reversed
    for got, expected in zip(street.detect_batch(mixed), alone[::-1], strict=True):
        assert identical(got, expected)


def test_an_ir_with_a_batch_of_one_detects_frame_by_frame(
    street: OpenVinoDetector, street_frames: list[np.ndarray], tmp_path: Path
) -> None:
    folder = tmp_path / "street-b1_openvino_model"
    folder.mkdir()
    shipped = STREET.runtime_weights()  # the copy `street` runs on this CPU
    source = next(shipped.glob("*.xml"))
    model = ov.Core().read_model(str(source))
    model.reshape({0: ov.PartialShape([1, 3, -1, -1])})
    ov.save_model(model, str(folder / "street-b1.xml"), compress_to_fp16=False)
    (folder / "metadata.yaml").write_bytes((shipped / "metadata.yaml").read_bytes())
    fixed = build_detector(STREET.model_copy(update={"weights": folder, "weights_vnni": None}))
    assert isinstance(fixed, OpenVinoDetector) and not fixed.batched
    for got, frame in zip(fixed.detect_batch(street_frames[2:]), street_frames[2:], strict=True):
        assert identical(got, street.detect(frame))


def test_threads_may_call_one_detector_at_once(street: OpenVinoDetector, street_frames: list[np.ndarray]) -> None:
    alone = [street.detect(frame) for frame in street_frames]
    for _ in range(2):
        got = together([lambda f=frame: street.detect(f) for frame in street_frames])
        for index, (mine, expected) in enumerate(zip(got, alone, strict=True)):
            assert isinstance(mine, Detections) and identical(mine, expected), f"frame {index}"
