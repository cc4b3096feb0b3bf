from __future__ import annotations

import numpy as np
import pytest

from vision.plates import PlateReader, PlateVoter, is_valid_plate, normalise_plate, plate_format
from vision.plates.formats import repair_province
from vision.plates.reader import PlateCandidate


@pytest.mark.parametrize(
    ("raw", "normalised", "expected"),
    [
        ("浙A12345", "浙A12345", "standard"),
        ("浙A·12345", "浙A12345", "standard"),
        ("浙A-12345", "浙A12345", "standard"),
        ("浙ａ １２３４５", "浙A12345", "standard"),  # full-width, lower case, space
        ("浙AI23O5", "浙A12305", "standard"),  # I and O never appear in a serial
        ("京N8B2Q7", "京N8B2Q7", "standard"),
        ("苏E6789学", "苏E6789学", "special"),
        ("鲁B1234挂", "鲁B1234挂", "special"),
        ("粤BD12345", "粤BD12345", "new_energy"),
        ("粤BFA1234", "粤BFA1234", "new_energy"),
        ("粤B12345D", "粤B12345D", "new_energy"),
        ("浙A1234", "浙A1234", None),  # too short
        ("浙A123456", "浙A123456", None),  # 8 characters but not a new-energy layout
        ("XA12345", "XA12345", None),  # no province
        ("浙112345", "浙112345", None),  # region must be a letter
        ("A浙12345", "A浙12345", None),
        ("", "", None),
    ],
)
def test_plate_formats(raw: str, normalised: str, expected: str | None) -> None:
    assert normalise_plate(raw) == normalised
    assert plate_format(normalise_plate(raw)) == expected


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("IC92799", "川C92799"),  # 川 read as a stroke
        ("黄B68057", "藏B68057"),
        ("IKD33743", "川KD33743"),
        ("浙A12345", "浙A12345"),  # already fine
        ("IC9279", "IC9279"),  # too short to be a plate: left alone
        ("I112345", "I112345"),  # second place is not a letter
    ],
)
def test_province_lookalikes_are_repaired(read: str, repaired: str) -> None:
    assert repair_province(read) == repaired


@pytest.mark.parametrize(
    ("text", "colour", "valid"),
    [
        ("浙A12345", "blue", True),
        ("浙A12345", "yellow", True),
        ("浙A12345", "green", False),
        ("粤BD12345", "green", True),
        ("粤BD12345", "blue", False),
    ],
)
def test_plate_colour_must_fit_the_format(text: str, colour: str, valid: bool) -> None:
    assert is_valid_plate(text, colour) is valid  # type: ignore[arg-type]


def _candidate(text: str, confidence: float) -> PlateCandidate:
    crop = np.full((10, 30, 3), int(confidence * 100), np.uint8)
    return PlateCandidate(text, confidence, crop, "blue", "standard")


def test_voting_across_frames() -> None:
    voter = PlateVoter()
    assert voter.best() is None
    for text, confidence in [("浙A12345", 0.9), ("浙A12346", 0.95), ("浙A12345", 0.8)]:
        voter.add(_candidate(text, confidence))
    reading = voter.best()
    assert reading is not None
    assert (reading.text, reading.votes) == ("浙A12345", 2)
    assert reading.confidence == pytest.approx(0.85 * 1.7 / 2.65, abs=1e-4)
    assert reading.crop is not None and int(reading.crop[0, 0, 0]) == 90  # the sharpest winning crop


def test_unanimous_votes_keep_the_ocr_confidence() -> None:
    voter = PlateVoter()
    for _ in range(3):
        voter.add(_candidate("粤BD12345", 0.96))
    reading = voter.best()
    assert reading is not None and reading.confidence == pytest.approx(0.96) and reading.votes == 3


def test_reader_default_threshold() -> None:
    assert PlateReader().min_confidence == 0.5
