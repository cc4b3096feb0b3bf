"""Intel Open Model Zoo `license-plate-recognition-barrier-0001` (OpenVINO IR): a second plate
recogniser. Not shipped (see vision/models/plates/MODEL_CARD.md); used where a path to the IR is
configured, e.g. the real-data kit's copy in benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
INPUT_SIZE = (94, 24)
SEQUENCE = 88
_PROVINCES = (
    "皖京渝闽甘粤桂贵琼冀黑豫港鄂湘蒙苏赣吉辽澳宁青陕鲁沪晋川津藏新云浙警"
)  # <Anhui> ... <Zhejiang>, <police>: ids 10-43 in the model's alphabetical order
ALPHABET = "0123456789" + _PROVINCES + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def decode(ids: npt.NDArray[np.float32]) -> str:
    """Class ids up to the first -1 to text."""
    out = []
    for value in ids.reshape(-1):
        index = int(value)
        if index < 0:
            break
        if index < len(ALPHABET):
            out.append(ALPHABET[index])
    return "".join(out)


class IntelPlateRecogniser:
    """One compiled OpenVINO model (CPU), opened on first use; reads plates one at a time."""

    def __init__(self, model_xml: Path, threads: int = 1):
        if not model_xml.is_file():
            raise FileNotFoundError(f"Intel plate recogniser IR not found: {model_xml}")
        self.model_xml = model_xml
        self.threads = threads
        self._compiled: object | None = None

    def _get(self) -> object:
        if self._compiled is None:
            import openvino as ov

            core = ov.Core()
            self._compiled = core.compile_model(
                core.read_model(self.model_xml), "CPU", {"INFERENCE_NUM_THREADS": self.threads}
            )
        return self._compiled

    def read(self, plates: Sequence[Image]) -> list[str]:
        compiled = self._get()
        seq = np.ones((SEQUENCE, 1), np.float32)  # all ones: a 0 first returns an empty string
        texts = []
        for plate in plates:
            data = cv2.resize(plate, INPUT_SIZE).astype(np.float32).transpose(2, 0, 1)[None]
            result = compiled({"data": data, "seq_ind": seq})  # type: ignore[operator]
            texts.append(decode(next(iter(result.values()))))
        return texts
