"""RapidOCR reads plates rendered with a real CJK font, on a vehicle in a full-resolution scene."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cv2
import pytest

from tests.support.plates import PLATE_AT, VEHICLE, street_with_vehicle
from vision.plates import PlateReader, TrackPlates
from vision.types import Frame


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
