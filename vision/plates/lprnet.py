"""LPRNet plate recogniser (ONNX Runtime, no torch): a rectified 94 x 24 plate image to text, decoded
with the plate layouts of the plate's colour (vision.plates.ctc)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.plates.ctc import CtcText, constrained, greedy, log_softmax
from vision.plates.formats import PlateColour, plate_format
from vision.plates.onnx_model import LazyOnnxSession

Image = npt.NDArray[np.uint8]
MODEL = Path(__file__).resolve().parents[1] / "models" / "plates" / "lprnet.onnx"
INPUT_SIZE = (94, 24)  # width, height
ALPHABET = "京沪津渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新0123456789ABCDEFGHJKLMNPQRSTUVWXYZIO-"
BLANK = len(ALPHABET) - 1
_PROVINCES = ALPHABET[:31]
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are not used on plates
_NEV = "ABCDEFGHJK"


def _mask(*positions: str) -> npt.NDArray[np.bool_]:
    allowed = np.zeros((len(positions), len(ALPHABET)), bool)
    for k, chars in enumerate(positions):
        allowed[k, [ALPHABET.index(ch) for ch in chars]] = True
    return allowed


_SERIAL = _LETTERS + _DIGITS
LAYOUTS: dict[str, npt.NDArray[np.bool_]] = {
    "standard": _mask(_PROVINCES, _LETTERS, *([_SERIAL] * 5)),
    "new_energy_small": _mask(_PROVINCES, _LETTERS, _NEV, _SERIAL, *([_DIGITS] * 4)),
    "new_energy_large": _mask(_PROVINCES, _LETTERS, *([_DIGITS] * 5), _NEV),
}
_COLOUR_LAYOUTS: dict[PlateColour | None, tuple[str, ...]] = {
    "blue": ("standard",),
    "yellow": ("standard",),
    "green": ("new_energy_small", "new_energy_large"),
    None: tuple(LAYOUTS),
}


def preprocess(plates: Sequence[Image]) -> npt.NDArray[np.float32]:
    """BGR plates to the network's N x 3 x 24 x 94 input, scaled as (x - 127.5) / 128."""
    batch = np.stack([cv2.resize(p, INPUT_SIZE, interpolation=cv2.INTER_LINEAR) for p in plates])
    return ((batch.astype(np.float32) - 127.5) * 0.0078125).transpose(0, 3, 1, 2)


def decode(logits: npt.NDArray[np.float32], colour: PlateColour | None = None) -> CtcText:
    """One plate's C x T logits to the best text in a layout of its colour; the free path when it is
    already a valid plate of that colour (it is then the best of all paths)."""
    log_probs = log_softmax(logits.T.astype(np.float64), axis=1).astype(np.float32)
    free = greedy(log_probs, ALPHABET, BLANK)
    if plate_format(free.text, colour) is not None:
        return free
    reads = [constrained(log_probs, LAYOUTS[name], ALPHABET, BLANK) for name in _COLOUR_LAYOUTS[colour]]
    found = [r for r in reads if r is not None]
    return max(found, key=lambda r: r.log_score) if found else free


class LprNet:
    """One ONNX Runtime session, opened on first use; reads a batch of views of plates at once."""

    def __init__(self, model: Path = MODEL, threads: int = 1):
        self._onnx = LazyOnnxSession(model, "LPRNet model", threads)

    def logits(self, plates: Sequence[Image]) -> npt.NDArray[np.float32]:
        """N x 68 x 18 raw scores for N BGR plate images (any size; resized to 94 x 24)."""
        return self._onnx.session.run(None, {"image": preprocess(plates)})[0]  # type: ignore[no-any-return]

    def read(self, plates: Sequence[Image], colour: PlateColour | None = None) -> list[CtcText]:
        return [decode(row, colour) for row in self.logits(plates)]
