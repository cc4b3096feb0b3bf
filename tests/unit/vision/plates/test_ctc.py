"""Layout-constrained CTC decoding, the plate warp, two-row layout and Intel ids, on made-up inputs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.plates.ctc import constrained, greedy, log_softmax
from vision.plates.hyperlpr import rectify
from vision.plates.intel import decode as intel_decode
from vision.plates.lprnet import ALPHABET, BLANK, LAYOUTS, decode
from vision.plates.reader import one_row


def _log_probs(path: list[tuple[str, float]]) -> np.ndarray:
    """T x C log-probabilities: each column puts `p` on its character ('-' blank), the rest spread."""
    columns = np.full((len(path), len(ALPHABET)), 1e-4)
    for t, (ch, p) in enumerate(path):
        columns[t, ALPHABET.index(ch)] = p
    return np.log(columns / columns.sum(axis=1, keepdims=True)).astype(np.float32)


def test_an_inserted_character_is_dropped_by_the_layout() -> None:
    # greedy reads 8 characters, 皖A12X345: the weak 'X' cannot fit the 7-character blue layout
    path = [("皖", 0.9), ("-", 0.9), ("A", 0.9), ("1", 0.9), ("2", 0.9), ("X", 0.4), ("3", 0.9), ("4", 0.9),
            ("-", 0.9), ("5", 0.9)]
    log_probs = _log_probs(path)
    assert greedy(log_probs, ALPHABET, BLANK).text == "皖A12X345"
    read = constrained(log_probs, LAYOUTS["standard"], ALPHABET, BLANK)
    assert read is not None and read.text == "皖A12345" and len(read.char_confidences) == 7
    assert decode(log_probs.T, "blue").text == "皖A12345"


def test_a_doubled_character_needs_a_blank_between() -> None:
    # 皖A11234: the two 1s are separated by a blank column
    path = [("皖", 0.9), ("A", 0.9), ("1", 0.9), ("-", 0.9), ("1", 0.9), ("2", 0.9), ("3", 0.9), ("4", 0.9)]
    read = constrained(_log_probs(path), LAYOUTS["standard"], ALPHABET, BLANK)
    assert read is not None and read.text == "皖A11234"
    assert read.confidence == pytest.approx(0.9 / (0.9 + 67e-4), rel=1e-3)  # every character at 0.9


def test_too_few_columns_for_the_layout() -> None:
    assert constrained(_log_probs([("皖", 0.9)] * 5), LAYOUTS["standard"], ALPHABET, BLANK) is None


def test_green_plates_decode_in_the_new_energy_layouts() -> None:
    path = [("粤", 0.9), ("B", 0.9), ("D", 0.9), ("1", 0.9), ("2", 0.9), ("3", 0.9), ("4", 0.9), ("5", 0.9)]
    log_probs = _log_probs(path)
    assert decode(log_probs.T, "green").text == "粤BD12345"
    assert decode(log_probs.T, "blue").text != "粤BD12345"  # 8 characters do not fit a blue plate


def test_log_softmax_normalises() -> None:
    rows = log_softmax(np.array([[1.0, 2.0, 3.0]]))
    assert float(np.exp(rows).sum()) == pytest.approx(1.0)


def test_rectify_undoes_a_perspective_warp() -> None:
    plate = np.zeros((40, 130, 3), np.uint8)
    plate[:, :65] = (255, 0, 0)
    corners = np.array([[300, 200], [440, 180], [445, 230], [305, 245]], np.float32)
    source = np.array([[0, 0], [129, 0], [129, 39], [0, 39]], np.float32)
    frame = cv2.warpPerspective(plate, cv2.getPerspectiveTransform(source, corners), (640, 480))
    upright = rectify(frame, corners)
    assert 2.5 <= upright.shape[1] / upright.shape[0] <= 3.5
    half = upright.shape[1] // 2
    assert upright[:, 5 : half - 5, 0].mean() > 200 and upright[:, half + 5 : -5, 0].mean() < 30


def test_two_row_plate_is_laid_out_as_one_row() -> None:
    plate = np.zeros((100, 220, 3), np.uint8)
    plate[:40] = 255  # the top row (province and letter) is the top 40 %
    row = one_row(plate)
    assert row.shape[0] == 60 and row.shape[1] > 220
    assert row[:, :10].mean() == 255 and row[:, -10:].mean() == 0


def test_intel_ids_decode_to_text_up_to_the_end_mark() -> None:
    ids = np.array([10, 44, 1, 2, 3, 4, 5, -1, 7], np.float32)  # <Anhui>, A, 1..5, end
    assert intel_decode(ids) == "皖A12345"
    assert intel_decode(np.array([-1, 3], np.float32)) == ""
