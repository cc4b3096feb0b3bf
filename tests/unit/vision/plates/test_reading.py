"""RapidOCR reads plates rendered with a real CJK font, on a vehicle in a full-resolution scene."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import cv2
import pytest

from domain.types import Frame
from tests.support.plates import PLATE_AT, VEHICLE, street_with_vehicle
from vision.plates import PlateReader, TrackPlates
from vision.plates.ocr import Image, OcrLine, PlateOcr
from vision.plates.pool import PlatePool
from vision.plates.tracks import ReadGate


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return PlateReader("rapidocr")


@pytest.mark.parametrize(
    ("text", "colour", "expected", "fmt"),
    [
        ("浙A·12345", "blue", "浙A12345", "standard"),
        ("粤B·D12345", "green", "粤BD12345", "new_energy"),
        ("苏E·67890", "yellow", "苏E67890", "standard"),
    ],
)
def test_plate_found_by_colour_and_read(
    reader: PlateReader, text: str, colour: str, expected: str, fmt: str
) -> None:
    candidate = reader.read(street_with_vehicle(text, colour), VEHICLE)
    assert candidate is not None
    assert (candidate.text, candidate.colour, candidate.plate_format) == (expected, colour, fmt)
    assert candidate.confidence >= 0.5
    assert candidate.crop.shape[0] >= 35 and candidate.crop.shape[1] >= 110  # full resolution close-up


def test_plate_box_from_the_detector_is_used(reader: PlateReader) -> None:
    image = street_with_vehicle("浙A·12345")
    image[PLATE_AT[1] : PLATE_AT[3], PLATE_AT[0] : PLATE_AT[2]] = cv2.cvtColor(
        image[PLATE_AT[1] : PLATE_AT[3], PLATE_AT[0] : PLATE_AT[2]], cv2.COLOR_BGR2GRAY
    )[..., None]  # grey plate: the colour search cannot find it, the detector box still can
    assert reader.read(image, VEHICLE) is None
    candidate = reader.read(image, VEHICLE, [PLATE_AT, (0, 0, 50, 20)])  # the second box is outside the car
    assert candidate is not None and candidate.text == "浙A12345"


def test_no_plate_no_reading(reader: PlateReader) -> None:
    assert reader.read(street_with_vehicle(None), VEHICLE) is None


def test_track_plates_vote_at_a_limited_rate(reader: PlateReader) -> None:
    plates = TrackPlates(reader, min_interval_seconds=1.0)
    start = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    for index in range(5):  # 2 fps for 2 s: reads at 0, 1 and 2 s
        image = street_with_vehicle("浙A·12345", seed=index)
        plates.observe(Frame("cam", index, start + timedelta(seconds=index / 2), image), 4, VEHICLE)
    reading = plates.reading(4)
    assert reading is not None and reading.text == "浙A12345" and reading.votes == 3
    assert plates.reading(5) is None
    plates.prune(start + timedelta(hours=1))
    assert plates.reading(4) is None


def _frames(count: int, step_s: float = 1.0) -> list[Frame]:
    start = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    image = street_with_vehicle("浙A·12345")
    return [Frame("cam", i, start + timedelta(seconds=i * step_s), image) for i in range(count)]


def test_reads_stop_once_the_vote_is_settled(reader: PlateReader) -> None:
    plates = TrackPlates(reader, min_interval_seconds=1.0, settle_votes=3)
    for frame in _frames(10):
        plates.observe(frame, 4, VEHICLE)
    reading = plates.reading(4)
    assert reading is not None and reading.text == "浙A12345" and reading.votes == 3
    assert plates.reads == 3  # ten chances, three reads: the fourth could not change the result


def test_crops_too_small_for_a_plate_are_not_read(reader: PlateReader) -> None:
    plates = TrackPlates(reader, gate=ReadGate(min_width=400))  # the test vehicle is 300 px wide
    for frame in _frames(3):
        plates.observe(frame, 4, VEHICLE)
    assert plates.reads == 0 and plates.reading(4) is None


class GatedReader(PlateReader):
    """The real reader, held at the door until the test opens it: a slow read."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__("rapidocr")
        self.gate = gate

    def read(self, image, vehicle_box, plate_boxes=()):  # noqa: ANN001, ANN201
        assert self.gate.wait(30)
        return super().read(image, vehicle_box, plate_boxes)


def test_a_slow_read_in_the_pool_does_not_hold_the_camera_and_its_vote_arrives_later() -> None:
    opened = threading.Event()
    pool = PlatePool(workers=1, max_pending=2)
    plates = TrackPlates(GatedReader(opened), pool=pool)
    started = time.perf_counter()
    for frame in _frames(5):  # the read of frame 0 blocks; the camera goes on, one read in flight at a time
        plates.observe(frame, 4, VEHICLE)
    # a camera held by the read would wait at the gate for 30 s; 10 s leaves room for a loaded machine
    assert time.perf_counter() - started < 10.0
    assert plates.reads == 1 and plates.reading(4) is None
    opened.set()
    plates.wait_for(4, timeout_s=30)
    reading = plates.reading(4)
    assert reading is not None and reading.text == "浙A12345"
    pool.close()


def test_a_full_pool_turns_reads_away_instead_of_queueing() -> None:
    opened = threading.Event()
    pool = PlatePool(workers=1, max_pending=1)
    first, second = TrackPlates(GatedReader(opened), pool=pool), TrackPlates(GatedReader(opened), pool=pool)
    frame = _frames(1)[0]
    first.observe(frame, 1, VEHICLE)
    second.observe(frame, 1, VEHICLE)  # another camera: the pool is full
    assert pool.pending == 1 and pool.turned_away == 1
    opened.set()
    first.wait_for(1, timeout_s=30)
    pool.close()
    assert first.reading(1) is not None and second.reading(1) is None


def test_a_plate_that_cannot_be_read_is_tried_less_and_less_often(reader: PlateReader) -> None:
    plates = TrackPlates(reader, min_interval_seconds=1.0, max_backoff=3)
    start = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    image = street_with_vehicle(None)  # a car whose plate is not there to read
    tried = []
    for second in range(12):
        before = plates.reads
        plates.observe(Frame("cam", second, start + timedelta(seconds=second), image), 4, VEHICLE)
        if plates.reads > before:
            tried.append(second)
    assert tried == [0, 2, 5, 9]  # intervals of 2, 3, then 4 s (at most 1 + max_backoff intervals)


class CountingOcr(PlateOcr):
    """The real RapidOCR engine, counting which of its two paths each read took."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def read_line(self, view: Image) -> OcrLine | None:
        self.calls.append("line")
        return super().read_line(view)

    def read(self, view: Image) -> OcrLine | None:
        self.calls.append("detect")
        return super().read(view)


def test_a_clear_plate_is_read_by_the_recogniser_alone() -> None:
    ocr = CountingOcr()
    candidate = PlateReader("rapidocr", ocr=ocr).read(street_with_vehicle("浙A·12345"), VEHICLE)
    assert candidate is not None and candidate.text == "浙A12345"
    assert ocr.calls == ["line"]  # no text detection, no image variants


def test_a_recogniser_only_read_below_sure_line_falls_back_to_text_detection() -> None:
    ocr = CountingOcr()
    # a loose plate box (car body around the plate) and a fast path never sure enough: text detection
    # finds the plate's line and reads it
    x1, y1, x2, y2 = PLATE_AT
    loose = (x1 - 40, y1 - 60, x2 + 40, y2 + 40)
    image = street_with_vehicle("浙A·12345")
    candidate = PlateReader("rapidocr", ocr=ocr, sure_line=1.01).read(image, VEHICLE, [loose])
    assert candidate is not None and candidate.text == "浙A12345"
    assert ocr.calls[0] == "line" and "detect" in ocr.calls
