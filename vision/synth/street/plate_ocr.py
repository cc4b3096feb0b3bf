"""Plate crops and RapidOCR reads, as the OCR benchmark and the legibility tests use them."""

from __future__ import annotations

import re

import cv2
import numpy as np
import numpy.typing as npt

_DROP = re.compile(r"[\s·•.\-_:：]")


def normalise(text: str) -> str:
    return _DROP.sub("", text).upper()


def crop_plate(image: npt.NDArray[np.uint8], box: tuple[float, float, float, float]) -> npt.NDArray[np.uint8]:
    """The plate with a margin, scaled to 96 px high and padded with its own border (RapidOCR's text
    detector misses text that touches the image edge)."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    mx, my = 0.15 * w, 0.35 * h
    h_img, w_img = image.shape[:2]
    xa, ya = int(max(0, x1 - mx)), int(max(0, y1 - my))
    xb, yb = int(min(w_img, x2 + mx)), int(min(h_img, y2 + my))
    crop = image[ya:yb, xa:xb]
    scale = 96.0 / max(1, crop.shape[0])
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(crop, 24, 24, 24, 24, cv2.BORDER_REPLICATE)


def read_plate(ocr, crop: npt.NDArray[np.uint8]) -> str:  # type: ignore[no-untyped-def]
    """All text RapidOCR finds in the crop, left to right, normalised."""
    result, _ = ocr(crop)
    if not result:
        return ""
    parts = sorted(result, key=lambda r: min(p[0] for p in r[0]))
    return normalise("".join(r[1] for r in parts))
