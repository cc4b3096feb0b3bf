"""Is it the same vehicle? An appearance signature of a box crop, and the verdict rules use with it.

The signature is three parts of one unit vector, each part scaled so it weighs as set below:
- colour: a joint hue-saturation histogram plus a value histogram of the crop's inner part
  (square-rooted, so cosine similarity is the Bhattacharyya coefficient of the histograms);
- layout: the mean Lab colour of a 4x4 grid over the crop (where the dark windows, the light roof,
  the coloured body are);
- shape: gradient-orientation histograms of the same grid (edges of windows, lights, grille, roof).
Colour alone cannot tell two white sedans apart; layout and shape separate different body types and
catch most look-alike swaps, which also move the box. Each part is cheap (a 48x48 crop, a few
OpenCV calls, about 1 ms on a 400x300 box of a 1080p frame), so every vehicle in a zone can be
signed on every analysed frame.

The verdict combines the signature with plate readings: confident plates that differ in more than one
character mean different vehicles; confident plates that agree mean the same one; otherwise (one
character apart is the commonest OCR confusion, J/1, 0/D, 8/B) appearance decides.
Thresholds are calibrated in `bench/identity_bench.py` (figures in the parking rule's docstring).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np
import numpy.typing as npt

Box = npt.NDArray[np.float32]
SIGNATURE_SIZE = 48  # pixels of the square the crop is resized to
MIN_CROP_PIXELS = 12  # smaller crops carry no usable appearance
_GRID = 4
_WEIGHTS = {"colour": 0.4, "layout": 0.3, "shape": 0.3}
# Same vehicle above, different vehicle below; between the two, appearance alone cannot say.
SAME_VEHICLE_SIMILARITY = 0.94
DIFFERENT_VEHICLE_SIMILARITY = 0.90
CONFIDENT_PLATE = 0.8


@dataclass(frozen=True, eq=False)
class Appearance:
    """A unit-length float32 vector; `similarity` of two is their cosine (1 = identical)."""

    vector: npt.NDArray[np.float32]

    def similarity(self, other: Appearance) -> float:
        if self.vector.shape != other.vector.shape:
            return 0.0
        return float(np.clip(np.dot(self.vector, other.vector), 0.0, 1.0))

    def to_list(self) -> list[float]:
        return [round(float(v), 5) for v in self.vector]

    @classmethod
    def from_list(cls, values: list[float] | tuple[float, ...]) -> Appearance:
        vector = np.asarray(values, dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return cls(vector / norm if norm > 0 else vector)


def appearance_of(image: npt.NDArray[np.uint8], box: Box) -> Appearance | None:
    """The signature of the vehicle in `box` (pixels, xyxy) of a BGR image; None for tiny crops."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    # The inner part: a box's edges hold road, curb and neighbours more than the vehicle itself.
    dx, dy = (x2 - x1) * 0.08, (y2 - y1) * 0.08
    left, top = max(int(round(x1 + dx)), 0), max(int(round(y1 + dy)), 0)
    right, bottom = min(int(round(x2 - dx)), width), min(int(round(y2 - dy)), height)
    if right - left < MIN_CROP_PIXELS or bottom - top < MIN_CROP_PIXELS:
        return None
    size = (SIGNATURE_SIZE, SIGNATURE_SIZE)
    crop = np.asarray(cv2.resize(image[top:bottom, left:right], size, interpolation=cv2.INTER_AREA), np.uint8)
    parts = (_colour(crop), _layout(crop), _shape(crop))
    weighted = [part * np.sqrt(_WEIGHTS[name]) for part, name in zip(parts, ("colour", "layout", "shape"), strict=True)]
    return Appearance(_unit(np.concatenate(weighted).astype(np.float32)))  # a flat crop has no shape part


def _unit(vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _colour(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    hue_sat = cv2.calcHist([hsv], [0, 1], None, [12, 4], [0, 180, 0, 256]).ravel()
    value = cv2.calcHist([hsv], [2], None, [8], [0, 256]).ravel()
    histogram = np.concatenate([hue_sat / max(hue_sat.sum(), 1.0), value / max(value.sum(), 1.0)])
    return _unit(np.sqrt(histogram).astype(np.float32))


def _layout(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    cells = cv2.resize(crop, (_GRID, _GRID), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(cells, cv2.COLOR_BGR2LAB).astype(np.float32).reshape(-1)
    # Centre each channel on neutral grey so a dark and a light car point different ways.
    return _unit((lab - 128.0) / 128.0 + 0.05)


def _shape(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    magnitude, angle = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    bins = (np.mod(angle, 180.0) / 20.0).astype(np.int32).clip(0, 8)  # 9 unsigned orientations
    cell = SIGNATURE_SIZE // _GRID
    rows, cols = np.indices(bins.shape)
    cells = (rows // cell) * _GRID + cols // cell  # which of the 4x4 cells each pixel is in
    histogram = np.bincount((cells * 9 + bins).ravel(), magnitude.ravel(), minlength=_GRID * _GRID * 9)
    return _unit(np.sqrt(histogram).astype(np.float32))


class Verdict(Enum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"  # neither plates nor appearance can tell (tiny crop, occluded, between thresholds)


def confident_plate(text: str | None, confidence: float | None) -> str | None:
    return text if text and confidence is not None and confidence >= CONFIDENT_PLATE else None


def plates_conflict(a: str, b: str, misread: int = 1) -> bool:
    """Two readings that cannot be one plate misread: more than `misread` characters apart (edit
    distance). One for two confident readings; a plate's unconfident votes may be two apart."""
    if abs(len(a) - len(b)) > misread:
        return True
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] > misread


def compare(
    a: Appearance | None,
    b: Appearance | None,
    plate_a: str | None = None,
    plate_b: str | None = None,
    *,
    same_above: float = SAME_VEHICLE_SIMILARITY,
    different_below: float = DIFFERENT_VEHICLE_SIMILARITY,
) -> Verdict:
    """Plates first (pass only confident readings, see `confident_plate`), then appearance."""
    if plate_a and plate_b:
        if plate_a == plate_b:
            return Verdict.SAME
        if plates_conflict(plate_a, plate_b):
            return Verdict.DIFFERENT
    if a is None or b is None:
        return Verdict.UNSURE
    similarity = a.similarity(b)
    if similarity >= same_above:
        return Verdict.SAME
    if similarity < different_below:
        return Verdict.DIFFERENT
    return Verdict.UNSURE
