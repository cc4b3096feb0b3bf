"""Plate crops and RapidOCR reads, as the OCR benchmark and the legibility tests use them."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from vision.plates.ocr import plate_view

_DROP = re.compile(r"[\s·•.\-_:：]")


def normalise(text: str) -> str:
    return _DROP.sub("", text).upper()


def crop_plate(image: npt.NDArray[np.uint8], box: tuple[float, float, float, float]) -> npt.NDArray[np.uint8]:
    """The plate view the product's reader gives RapidOCR (margin, 96 px high, own border)."""
    return plate_view(image, box)


def read_plate(ocr, crop: npt.NDArray[np.uint8]) -> str:  # type: ignore[no-untyped-def]
    """All text RapidOCR finds in the crop, left to right, normalised."""
    result, _ = ocr(crop)
    if not result:
        return ""
    parts = sorted(result, key=lambda r: min(p[0] for p in r[0]))
    return normalise("".join(r[1] for r in parts))
