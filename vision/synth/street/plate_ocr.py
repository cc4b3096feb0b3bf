"""RapidOCR reads of a plate view (`vision.plates.ocr.plate_view`), as the OCR benchmark and the
legibility tests use them."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

_DROP = re.compile(r"[\s·•.\-_:：]")


def normalise(text: str) -> str:
    return _DROP.sub("", text).upper()


def read_plate(ocr, crop: npt.NDArray[np.uint8]) -> str:  # type: ignore[no-untyped-def]
    """All text RapidOCR finds in the crop, left to right, normalised."""
    result, _ = ocr(crop)
    if not result:
        return ""
    parts = sorted(result, key=lambda r: min(p[0] for p in r[0]))
    return normalise("".join(r[1] for r in parts))
