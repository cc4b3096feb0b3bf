"""An ONNX Runtime session on the CPU for one of the plate models, opened on first use."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class LazyOnnxSession:
    """Checks the model file at once and opens the session on first use, so building a plate reader
    (in every camera worker) costs nothing until a plate is read."""

    def __init__(self, model: Path, what: str, threads: int = 1):
        if not model.is_file():
            raise FileNotFoundError(f"{what} not found: {model}")
        self.model = model
        self.threads = threads
        self._session: Any = None

    @property
    def session(self) -> Any:
        if self._session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.log_severity_level = 3  # some of these exports list their weights as inputs: a warning each
            self._session = ort.InferenceSession(str(self.model), options, providers=["CPUExecutionProvider"])
        return self._session
