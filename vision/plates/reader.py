"""Read one vehicle's plate on one frame: locate the plate's corners, warp it upright, recognise,
validate; the close-up is cut from the full-resolution frame."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from vision.plates.config import PlateEngine
from vision.plates.formats import PlateColour, PlateFormat, normalise_plate, plate_format, repair_province
from vision.plates.hyperlpr import PlateColourClassifier, PlateLocator, rectify
from vision.plates.locate import colour_of, find_by_colour, pad_box
from vision.plates.ocr import OcrLine, PlateOcr, brightened, equalised, plate_view
from vision.plates.recognise import PlateRecogniser

Image = npt.NDArray[np.uint8]
Box = Sequence[float] | npt.NDArray[np.float32]
ColourSource = Literal["classifier", "hsv"]
VARIANTS: tuple[Callable[[Image], Image], ...] = (lambda view: view, equalised, brightened)
SURE_COLOUR = 0.8  # classifier probability below which the colour is left open


@dataclass(frozen=True, eq=False)
class PlateCandidate:
    """A valid plate text read on one frame."""

    text: str
    confidence: float
    crop: Image  # the plate close-up, BGR, full resolution
    colour: PlateColour | None
    plate_format: PlateFormat


@dataclass(frozen=True)
class _Quad:
    corners: npt.NDArray[np.float32]  # 4 x 2 in the frame: top-left, top-right, bottom-right, bottom-left
    colour: PlateColour | None = None  # known from the colour search
    double_layer: bool = False

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs, ys = self.corners[:, 0], self.corners[:, 1]
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def _inside(plate: Box, vehicle: Box, share: float = 0.8) -> bool:
    w = min(plate[2], vehicle[2]) - max(plate[0], vehicle[0])
    h = min(plate[3], vehicle[3]) - max(plate[1], vehicle[1])
    own = (plate[2] - plate[0]) * (plate[3] - plate[1])
    return own > 0 and max(w, 0) * max(h, 0) / own >= share


def _rectangle(box: Sequence[float]) -> npt.NDArray[np.float32]:
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    return np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], np.float32)


def one_row(plate: Image) -> Image:
    """A two-row plate (top 40 %: province and letter) laid out as one row, as the recogniser reads."""
    h = plate.shape[0]
    top, bottom = plate[: int(h * 0.4)], plate[int(h * 0.4) :]
    scale = bottom.shape[0] / max(top.shape[0], 1)
    top = cv2.resize(top, (max(int(top.shape[1] * scale * 0.6), 1), bottom.shape[0]))  # type: ignore[assignment]
    return np.ascontiguousarray(np.hstack([top, bottom]))


class PlateReader:
    """The default engine (`lprnet`): the HyperLPR3 detector finds the plate and its corners in the
    vehicle (else a `license_plate` box from the scene detector, else a plate-coloured rectangle);
    the plate is warped upright, its colour classified, and LPRNet reads it in the layouts of that
    colour (plus the Intel recogniser where `intel_model` is given). `rapidocr` is the former engine:
    RapidOCR's recogniser alone on the bare plate, kept from `sure_line`; else text detection and
    recognition on a plate view with a margin, three image variants. Only texts that are valid Chinese plates (and
    agree with the colour) come back."""

    def __init__(
        self,
        engine: PlateEngine = "lprnet",
        min_confidence: float = 0.5,
        margin: float = 0.08,
        *,
        intel_model: Path | None = None,
        colour_source: ColourSource = "classifier",
        views: int = 2,
        ocr: PlateOcr | None = None,
        sure: float = 0.95,
        sure_line: float = 0.9,
    ):
        if engine not in ("lprnet", "rapidocr"):
            raise ValueError(f"plate engine must be 'lprnet' or 'rapidocr', got {engine!r}")
        self.engine = engine
        self.min_confidence = min_confidence
        self.margin = margin
        self.colour_source = colour_source
        self.sure = sure
        self.sure_line = sure_line  # rapidocr: a recogniser-only read of the bare plate kept from this confidence
        self.ocr = ocr or PlateOcr()
        self._intel_model = intel_model
        self.views = views
        self._locator: PlateLocator | None = None
        self._recogniser: PlateRecogniser | None = None
        self._classifier: PlateColourClassifier | None = None

    @property
    def locator(self) -> PlateLocator:
        if self._locator is None:
            self._locator = PlateLocator()
        return self._locator

    @property
    def recogniser(self) -> PlateRecogniser:
        if self._recogniser is None:
            self._recogniser = PlateRecogniser(intel=self._intel_model, views=self.views)
        return self._recogniser

    def warm_up(self) -> None:
        """Load the engine's models now (a camera's first read would otherwise wait for them)."""
        if self.engine == "rapidocr":
            self.ocr.load()
        else:
            _ = self.locator, self.recogniser
            if self.colour_source == "classifier" and self._classifier is None:
                self._classifier = PlateColourClassifier()

    def read(self, image: Image, vehicle_box: Box, plate_boxes: Sequence[Box] = ()) -> PlateCandidate | None:
        quads = self._quads(image, vehicle_box, plate_boxes)
        for quad in quads[:2]:
            if self.engine == "lprnet":
                candidate = self._read_lprnet(image, quad)
            else:
                candidate = self._read_rapidocr(image, quad)
            if candidate is not None:
                return candidate
        return None

    def _quads(self, image: Image, vehicle_box: Box, plate_boxes: Sequence[Box]) -> list[_Quad]:
        vx1, vy1, vx2, vy2 = pad_box(tuple(float(v) for v in vehicle_box), image.shape, 0.02)  # type: ignore[arg-type]
        crop = image[vy1:vy2, vx1:vx2]
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            return []
        offset = np.array([vx1, vy1], np.float32)
        quads: list[_Quad] = []
        if self.engine == "lprnet":
            quads = [_Quad(p.corners + offset, None, p.double_layer) for p in self.locator.locate(crop)]
        if not quads:
            boxes = sorted(plate_boxes, key=lambda b: -float(b[3]))  # lowest (front/rear) plate first
            quads = [_Quad(_rectangle([float(v) for v in b])) for b in boxes if _inside(b, vehicle_box)][:2]
        if not quads:
            found = find_by_colour(crop)
            if found is not None:
                quads = [_Quad(_rectangle(found.box) + offset, found.colour)]
        return quads

    def _close_up(self, image: Image, quad: _Quad) -> Image:
        x1, y1, x2, y2 = pad_box(quad.box, image.shape, self.margin)
        return np.ascontiguousarray(image[y1:y2, x1:x2])

    def _colour(self, plate: Image, known: PlateColour | None) -> PlateColour | None:
        if known is not None or self.colour_source == "hsv":
            return known or colour_of(plate)
        if self._classifier is None:
            self._classifier = PlateColourClassifier()
        scores = self._classifier.scores(plate)
        best = int(np.argmax(scores))
        return ("blue", "green", "yellow")[best] if float(scores[best]) >= SURE_COLOUR else None  # type: ignore[return-value]

    def read_plate(
        self, plate: Image, colour: PlateColour | None = None, crop: Image | None = None, double_layer: bool = False
    ) -> PlateCandidate | None:
        """Read an upright plate image (a rectified or tightly cut plate) with LPRNet; `crop` is the
        close-up to keep as evidence (the plate itself by default)."""
        if plate.ndim != 3 or plate.shape[2] != 3 or plate.shape[0] < 6 or plate.shape[1] < 16:
            raise ValueError(f"a plate image must be BGR, at least 16 x 6 px; got shape {plate.shape}")
        colour = self._colour(plate, colour)
        # green only opens the 8-character layouts: over-exposed and night-time blue plates look green to
        # the classifier (2 of 30 CCPD photos), and a forced 8-character read of a blue plate is always wrong
        layouts = None if colour == "green" else colour
        read = self.recogniser.read(one_row(plate) if double_layer else plate, layouts)
        return self._candidate(OcrLine(read.text, read.confidence), plate if crop is None else crop, colour)

    def _read_lprnet(self, image: Image, quad: _Quad) -> PlateCandidate | None:
        crop = self._close_up(image, quad)
        plate = rectify(image, quad.corners)
        if crop.shape[0] < 8 or crop.shape[1] < 16 or plate.shape[0] < 6 or plate.shape[1] < 16:
            return None
        return self.read_plate(plate, quad.colour, crop, quad.double_layer)

    def _read_rapidocr(self, image: Image, quad: _Quad) -> PlateCandidate | None:
        crop = self._close_up(image, quad)
        if crop.shape[0] < 8 or crop.shape[1] < 16:
            return None
        colour = quad.colour or colour_of(crop)
        # fast path: the recogniser alone on the plate itself (no margin), kept when it reads a plate surely;
        # not for yellow plates (trucks' and buses' rear plates have two rows, one line cannot hold them)
        if colour != "yellow":
            quick = self._candidate(self.ocr.read_line(plate_view(image, quad.box, margin=False)), crop, colour)
            if quick is not None and quick.confidence >= self.sure_line:
                return quick
        view = plate_view(image, quad.box)
        best: PlateCandidate | None = None
        for variant in VARIANTS:  # text detection, then recognition, on the plate with a margin
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

