"""Find the plate inside a vehicle crop: a detected plate box, else a plate-coloured rectangle."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vision.plates.formats import PlateColour

Image = npt.NDArray[np.uint8]
# OpenCV HSV (H 0-180): plate background colours, saturated enough to ignore grey road and cars
_HSV_RANGES: dict[PlateColour, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "blue": ((100, 90, 60), (128, 255, 255)),
    "yellow": ((15, 90, 90), (35, 255, 255)),
    "green": ((36, 50, 80), (88, 255, 255)),
}
ASPECT = (2.0, 6.0)  # plate width / height: 440x140 (3.1) and 480x140 (3.4), with slack for tilt
GREEN_ASPECT = 480 / 140


@dataclass(frozen=True)
class PlateRegion:
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in the image the search ran on
    colour: PlateColour | None
    score: float


def pad_box(box: tuple[float, float, float, float], shape: tuple[int, ...], margin: float) -> tuple[int, ...]:
    x1, y1, x2, y2 = box
    mx, my = (x2 - x1) * margin, (y2 - y1) * margin
    h, w = shape[:2]
    return (
        max(int(x1 - mx), 0),
        max(int(y1 - my), 0),
        min(int(x2 + mx + 0.5), w),
        min(int(y2 + my + 0.5), h),
    )


def find_by_colour(crop: Image, min_width: int = 24) -> PlateRegion | None:
    """Best plate-like rectangle of plate colour in the lower two thirds of a vehicle crop."""
    height = crop.shape[0]
    top = height // 3
    hsv = cv2.cvtColor(crop[top:], cv2.COLOR_BGR2HSV)
    best: PlateRegion | None = None
    for colour, (low, high) in _HSV_RANGES.items():
        mask = cv2.inRange(hsv, np.array(low, np.uint8), np.array(high, np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if w < min_width or h < 4:
                continue
            fill = cv2.contourArea(contour) / float(w * h)
            if colour == "green" and w / h > GREEN_ASPECT:
                # new-energy plates fade to near-white at the top: only the lower part is green
                grown = min(int(round(w / GREEN_ASPECT)), y + top)
                y, h = y + h - grown, grown
            if h < 6 or not ASPECT[0] <= w / h <= ASPECT[1]:
                continue
            score = fill * min(w / crop.shape[1] * 4, 1.0)  # solid, and not a speck
            if fill >= 0.6 and (best is None or score > best.score):
                best = PlateRegion((x, y + top, x + w, y + top + h), colour, score)
    return best


def colour_of(plate: Image) -> PlateColour | None:
    """Dominant plate colour of a plate crop (by the share of pixels in each colour range)."""
    hsv = cv2.cvtColor(plate, cv2.COLOR_BGR2HSV)
    shares = {
        colour: float(np.count_nonzero(cv2.inRange(hsv, np.array(low, np.uint8), np.array(high, np.uint8))))
        for colour, (low, high) in _HSV_RANGES.items()
    }
    colour = max(shares, key=lambda c: shares[c])
    return colour if shares[colour] >= 0.25 * plate.shape[0] * plate.shape[1] else None
