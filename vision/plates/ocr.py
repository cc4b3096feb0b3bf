"""Text recognition on a plate crop with RapidOCR (its ONNX models ship inside the wheel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float


class PlateOcr:
    """One RapidOCR engine, loaded on first use. `recognise` reads a tight single-line crop;
    `read_lines` also finds text (slower) and returns lines top to bottom (two-row plates)."""

    def __init__(self) -> None:
        self._engine: Any = None

    def _get(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            self._engine = RapidOCR()
        return self._engine

    def recognise(self, crop: npt.NDArray[np.uint8]) -> OcrLine | None:
        result, _ = self._get()(crop, use_det=False, use_cls=False, use_rec=True)
        if not result:
            return None
        text, confidence = result[0]
        return OcrLine(str(text), float(confidence))

    def read_lines(self, image: npt.NDArray[np.uint8]) -> list[OcrLine]:
        result, _ = self._get()(image)
        rows = sorted(result or [], key=lambda r: min(p[1] for p in r[0]))
        return [OcrLine(str(text), float(confidence)) for _, text, confidence in rows]
