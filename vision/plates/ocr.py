"""Text on a plate with RapidOCR (its ONNX models ship inside the wheel): text detection, then
recognition of each line found, on a plate view made the way the recogniser reads best."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
VIEW_HEIGHT = 96  # plate crops are scaled to this height; the text detector misses smaller glyphs
VIEW_BORDER = 24  # replicated border: the detector misses text that touches the image edge


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float


def plate_view(image: Image, box: Sequence[float], margin: bool = True) -> Image:
    """The plate with a margin (15 % of its width, 35 % of its height; none with `margin=False`), scaled
    to VIEW_HEIGHT px and padded with its own border."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    mx, my = (0.15 * (x2 - x1), 0.35 * (y2 - y1)) if margin else (0.0, 0.0)
    h, w = image.shape[:2]
    crop = image[int(max(0, y1 - my)) : int(min(h, y2 + my)), int(max(0, x1 - mx)) : int(min(w, x2 + mx))]
    scale = VIEW_HEIGHT / max(1, crop.shape[0])
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)  # type: ignore[assignment]
    return cv2.copyMakeBorder(crop, *(VIEW_BORDER,) * 4, cv2.BORDER_REPLICATE)  # type: ignore[return-value]


def equalised(view: Image) -> Image:
    """Local contrast (CLAHE on lightness): fog and glare."""
    lab = cv2.cvtColor(view, cv2.COLOR_BGR2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(lab[:, :, 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)  # type: ignore[return-value]


_BRIGHTEN = np.array([((i / 255.0) ** 0.6) * 255 for i in range(256)], np.uint8)


def brightened(view: Image) -> Image:
    """Gamma 0.6: dark plates at dusk and night."""
    return cv2.LUT(view, _BRIGHTEN)  # type: ignore[return-value]


def _reading_order(rows: list[Any]) -> list[Any]:
    """Top row first (two-row plates), left to right within a row."""
    rows = sorted(rows, key=lambda r: min(p[1] for p in r[0]))
    lines: list[list[Any]] = []
    for row in rows:
        top, bottom = min(p[1] for p in row[0]), max(p[1] for p in row[0])
        centre = (top + bottom) / 2
        if lines:
            last = lines[-1][0]
            if min(p[1] for p in last[0]) <= centre <= max(p[1] for p in last[0]):
                lines[-1].append(row)
                continue
        lines.append([row])
    return [r for line in lines for r in sorted(line, key=lambda r: min(p[0] for p in r[0]))]


RAPIDOCR_DET_SIDE = 736  # RapidOCR's own default: the text detector scales the view's short side up to this
DET_SIDE = 224  # 37/40 exact rendered close-ups against 36/40 at 736 (bench/plate_ocr_bench.py), 2x less CPU


class PlateOcr:
    """One RapidOCR engine, loaded on first use. `det_side`: the short side the text detector scales
    a plate view to (RapidOCR's default, 736, scales a 144 px view five times over for nothing); `threads`: ONNX
    Runtime threads per model (RapidOCR's default takes every core). No angle classifier: plate views
    are upright."""

    def __init__(self, det_side: int = DET_SIDE, threads: int = 1) -> None:
        self.det_side = det_side
        self.threads = threads
        self._engine: Any = None

    def load(self) -> None:
        """Load the engine now instead of at the first read."""
        self._get()

    def _get(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            self._engine = RapidOCR(
                det_limit_side_len=self.det_side,
                intra_op_num_threads=self.threads,
                inter_op_num_threads=1,
            )
        return self._engine

    def read_line(self, view: Image) -> OcrLine | None:
        """The view read as one line of text by the recogniser alone (no text detection: a third of
        the CPU). Two-row plates and views with other text in them need `read`."""
        result, _ = self._get()(view, use_det=False, use_cls=False)
        if not result or not str(result[0][0]):
            return None
        return OcrLine(str(result[0][0]), float(result[0][1]))

    def read(self, view: Image) -> OcrLine | None:
        """All text found in a plate view, in reading order, joined; confidence is the mean."""
        result, _ = self._get()(view, use_cls=False)
        if not result:
            return None
        parts = _reading_order(list(result))
        return OcrLine("".join(str(p[1]) for p in parts), float(np.mean([float(p[2]) for p in parts])))
