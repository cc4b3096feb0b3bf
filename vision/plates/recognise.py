"""Plate text from a rectified plate: LPRNet on the plate and on a copy with a small replicated
border (log-probabilities averaged, then decoded in the layouts of the plate's colour), and, where
configured, the Intel recogniser's text taken when LPRNet finds it nearly as likely as its own.

Measured on the real-data kit's 1,000 real crops with the colour from the classifier
(bench/real_plates_bench.py): one view 0.933 exact, two views 0.948; Intel alone 0.798; two views with
Intel 0.959.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.plates.ctc import CtcText, constrained, log_softmax
from vision.plates.formats import PlateColour, plate_format
from vision.plates.intel import IntelPlateRecogniser
from vision.plates.lprnet import ALPHABET, BLANK, LprNet, decode

Image = npt.NDArray[np.uint8]
BORDER = (2, 3)  # rows, columns of replicated border on the second view
INTEL_MARGIN = 8.0  # take Intel's text when LPRNet's log-score for it is within this of its best


@dataclass(frozen=True)
class TextRead:
    text: str
    confidence: float  # mean character probability along the decoded path
    source: str  # "lprnet" or "intel"


def bordered(plate: Image) -> Image:
    rows, cols = BORDER
    return cv2.copyMakeBorder(plate, rows, rows, cols, cols, cv2.BORDER_REPLICATE)  # type: ignore[return-value]


def forced(log_probs: npt.NDArray[np.float32], text: str) -> CtcText | None:
    """LPRNet's best path for exactly this text (None if it has a character LPRNet lacks)."""
    if not text or any(ch not in ALPHABET[:BLANK] for ch in text):
        return None
    allowed = np.zeros((len(text), len(ALPHABET)), bool)
    for k, ch in enumerate(text):
        allowed[k, ALPHABET.index(ch)] = True
    return constrained(log_probs, allowed, ALPHABET, BLANK)


class PlateRecogniser:
    """LPRNet (shipped) with test-time views, plus the Intel IR when a path to it is given."""

    def __init__(self, lprnet: LprNet | None = None, intel: Path | None = None, views: int = 2):
        if views not in (1, 2):
            raise ValueError(f"views must be 1 or 2, got {views}")
        self.lprnet = lprnet or LprNet()
        self.intel = IntelPlateRecogniser(intel) if intel is not None else None
        self.views = views

    def read(self, plate: Image, colour: PlateColour | None = None) -> TextRead:
        views = [plate, bordered(plate)][: self.views]
        logits = self.lprnet.logits(views)
        mean = np.mean([log_softmax(row.T.astype(np.float64), axis=1) for row in logits], axis=0)
        log_probs = log_softmax(mean, axis=1).astype(np.float32)  # T x C, normalised again
        best = decode(log_probs.T, colour)
        if self.intel is not None:
            other = self.intel.read([plate])[0]
            if other != best.text and plate_format(other, colour) is not None:
                theirs = forced(log_probs, other)
                if theirs is not None and best.log_score - theirs.log_score < INTEL_MARGIN:
                    return TextRead(other, theirs.confidence, "intel")
        return TextRead(best.text, best.confidence, "lprnet")

