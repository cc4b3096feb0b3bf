"""The motion gate with the analyzer's hints: a pedestrian walking beside a no-parking zone does not wake
the detector, a vehicle arriving always does (real worker, gate, analyzer, tracker and parking rule;
the detector finds the painted objects by their colours)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from domain.types import Detections, Frame, Violation
from ingest.config.camera import CameraConfig, Location
from ingest.motion import MotionGate
from ingest.readers.base import FrameReader, ReaderStats
from ingest.testclips import background
from ingest.worker import CameraWorker
from vision.analyzer import StreetAnalyzer

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, inside the zone's active hours
W, H = 640, 360
BASE = background(W, H)
PERSON, CAR = (255, 255, 255), (10, 10, 10)  # paint the detector below recognises (the background is 40..150)
ZONE = {
    "name": "curb",
    "kind": "no_parking",
    "polygon": [(0.3, 0.5), (0.9, 0.5), (0.9, 0.95), (0.3, 0.95)],
    "dwell_seconds": 20,
    "photo_interval_seconds": 5,
}
CAMERA = CameraConfig.model_validate(
    {
        "id": "cam-1",
        "name": "test",
        "source": "file:x.mp4",
        "location": Location(lat=30.0, lon=120.0, address="a", grid_code="1", responsible_unit="u"),
        "zones": [ZONE],
    }
)


def paint(person_x: int | None, car_x: int | None) -> npt.NDArray[np.uint8]:
    image = BASE.copy()
    if person_x is not None:
        image[230:290, person_x : person_x + 20] = PERSON  # a pedestrian on the zone's edge
    if car_x is not None:
        image[250:320, car_x : car_x + 110] = CAR
    return image


class PaintDetector:
    """Finds the painted pedestrian and car by colour, anywhere in the picture or in a part of it."""

    detector_type = "paint"
    model_name = "paint"
    weights_sha256 = "0" * 64
    labels = ("person", "vehicle")

    def __init__(self) -> None:
        self.calls: list[int] = []  # frame numbers the detector ran on
        self.frame = -1

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self.detect_region(image, (0, 0, image.shape[1], image.shape[0]))

    def detect_region(self, image: npt.NDArray[np.uint8], region: tuple[int, int, int, int]) -> Detections:
        self.calls.append(self.frame)
        x1, y1, x2, y2 = region
        found = []
        for label, colour in (("person", PERSON), ("vehicle", CAR)):
            ys, xs = np.nonzero(np.all(image[y1:y2, x1:x2] == colour, axis=2))
            if len(xs):
                found.append((label, (xs.min() + x1, ys.min() + y1, xs.max() + x1 + 1, ys.max() + y1 + 1)))
        return Detections(
            np.array([b for _, b in found], np.float32).reshape(-1, 4),
            np.full(len(found), 0.9, np.float32),
            tuple(label for label, _ in found),
        )


class ListReader(FrameReader):
    def __init__(self, images: list[npt.NDArray[np.uint8]], detector: PaintDetector):
        self.images, self.detector, self.stats = images, detector, ReaderStats()

    def __iter__(self) -> Iterator[Frame]:
        for i, image in enumerate(self.images):
            self.detector.frame = i
            self.stats.frames_decoded += 1
            yield Frame("cam-1", i, T0 + timedelta(seconds=i / 2), image)

    def close(self) -> None:
        pass


class Sink:
    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        pass


def run(images: list[npt.NDArray[np.uint8]]) -> PaintDetector:
    detector = PaintDetector()
    analyzer = StreetAnalyzer(CAMERA.analysis_setup(), detector)
    worker = CameraWorker(
        CAMERA, lambda c: ListReader(images, detector), analyzer, Sink(), motion_gate=MotionGate(
            regions=[ZONE["polygon"]], recheck_s=60  # type: ignore[list-item]
        )
    )
    assert worker.run(threading.Event()) == "finished"
    return detector


def test_a_pedestrian_walking_beside_the_zone_does_not_wake_the_detector_but_an_arrival_does() -> None:
    # the pedestrian takes an 8 px step per frame (half a second) for 30 frames; a car drives into the
    # zone at frame 20 and on, and stops at frame 25
    images = [paint(200 + 8 * i, None if i < 20 else 560 - 40 * min(i - 20, 5)) for i in range(30)]
    detector = run(images)
    walking = [i for i in detector.calls if i < 20]
    assert walking[0] == 0 and len(walking) <= 5  # again only when the walker leaves the box they were seen in
    assert all(i in detector.calls for i in range(20, 26))  # the car arriving and moving in the zone: every frame


def test_without_the_hints_the_same_pedestrian_wakes_the_detector_on_every_frame() -> None:
    images = [paint(200 + 8 * i, None) for i in range(20)]
    detector = PaintDetector()
    analyzer = StreetAnalyzer(CAMERA.analysis_setup(), detector)
    gate = MotionGate(regions=[ZONE["polygon"]], recheck_s=60)  # type: ignore[list-item]
    for i, image in enumerate(images):
        detector.frame = i
        frame = Frame("cam-1", i, T0 + timedelta(seconds=i / 2), image)
        analyzer.process(frame, gate.update(frame))  # no hints passed
    assert detector.calls == list(range(20))
