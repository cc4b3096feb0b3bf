"""The aerial roof-structure detector on ONNX Runtime (CPU): letterbox, run, decode, NMS -> Detections."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.types import Detections

MODELS = Path(__file__).resolve().parents[1] / "models"
DEFAULT_WEIGHTS = MODELS / "aerial-v2" / "aerial-v2.onnx"  # shipped; see its MODEL_CARD.md
AERIAL_V1 = MODELS / "aerial-v1" / "aerial-v1.onnx"  # synthetic-only predecessor, kept for comparison


class AerialDetector:
    """`detect(image) -> Detections` labelled `roof_structure`."""

    def __init__(
        self, weights: Path = DEFAULT_WEIGHTS, confidence: float = 0.35, iou: float = 0.5, threads: int = 2
    ):
        import onnxruntime as ort

        if not weights.is_file():
            raise FileNotFoundError(f"aerial model weights not found: {weights}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(weights), opts, providers=["CPUExecutionProvider"])
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        self.size = int(inp.shape[2]) if isinstance(inp.shape[2], int) else 640
        self.confidence, self.iou = confidence, iou
        self.weights = weights

    def _letterbox(self, image: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], float, int, int]:
        h, w = image.shape[:2]
        scale = min(self.size / w, self.size / h)
        nw, nh = int(round(w * scale)), int(round(h * scale))
        resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)
        canvas = np.full((self.size, self.size, 3), 114, np.uint8)
        top, left = (self.size - nh) // 2, (self.size - nw) // 2
        canvas[top : top + nh, left : left + nw] = resized
        blob = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
        return np.ascontiguousarray(blob), scale, left, top

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        blob, scale, left, top = self._letterbox(image)
        out = self.session.run(None, {self.input_name: blob})[0][0]  # (4 + classes, anchors)
        scores = out[4:].max(axis=0)
        keep = scores >= self.confidence
        if not keep.any():
            return Detections.empty()
        cx, cy, bw, bh = out[:4, keep]
        boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
        boxes = (boxes - [left, top, left, top]) / scale
        h, w = image.shape[:2]
        boxes = np.clip(boxes, 0, [w, h, w, h]).astype(np.float32)
        sc = scores[keep].astype(np.float32)
        idx = cv2.dnn.NMSBoxes(
            [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes],
            sc.tolist(),
            self.confidence,
            self.iou,
        )
        keep_idx = np.array(idx, dtype=np.int64).reshape(-1)
        return Detections(boxes[keep_idx].reshape(-1, 4), sc[keep_idx], ("roof_structure",) * len(keep_idx))
