"""HyperLPR3 plate detector (`y5fu`, YOLOv5-face style, ONNX): plate boxes with their 4 corner
points, and the perspective warp of a plate's corners to an upright rectangle for the reader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.plates.onnx_model import LazyOnnxSession

Image = npt.NDArray[np.uint8]
MODELS = Path(__file__).resolve().parents[1] / "models" / "plates"
DETECTOR_320 = MODELS / "y5fu_320x_sim.onnx"
DETECTOR_640 = MODELS / "y5fu_640x_sim.onnx"


@dataclass(frozen=True)
class PlateQuad:
    """One detected plate, in the coordinates of the image searched."""

    box: tuple[float, float, float, float]  # x1, y1, x2, y2
    corners: npt.NDArray[np.float32]  # 4 x 2: top-left, top-right, bottom-right, bottom-left
    score: float
    double_layer: bool  # two-row plate (large yellow plates of trucks and buses)


def letterbox(image: Image, size: int) -> tuple[Image, float, int, int]:
    """Scale to fit size x size, centred on black; returns the image, the scale and the left/top pad."""
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nh, nw = int(h * r), int(w * r)
    top, left = (size - nh) // 2, (size - nw) // 2
    resized = cv2.resize(image, (nw, nh))
    boxed = cv2.copyMakeBorder(resized, top, size - nh - top, left, size - nw - left, cv2.BORDER_CONSTANT)
    return boxed, r, left, top  # type: ignore[return-value]


def _nms(boxes: npt.NDArray[np.float32], scores: npt.NDArray[np.float32], iou: float) -> list[int]:
    order = list(np.argsort(-scores))
    keep: list[int] = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        rest = np.array(order, dtype=np.int64)
        if rest.size == 0:
            break
        x1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.maximum(0, x2 - x1) * np.maximum(0, y2 - y1)
        area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        overlap = inter / (area[i] + area[rest] - inter + 1e-9)
        order = [int(j) for j, o in zip(rest, overlap, strict=True) if o <= iou]
    return keep


def decode_rows(
    rows: npt.NDArray[np.float32], scale: float, left: int, top: int, threshold: float, iou: float
) -> list[PlateQuad]:
    """Raw N x 15 rows (cx, cy, w, h, objectness, 4 corners, 2 layer scores) to plates in the
    original image, best first."""
    rows = rows[rows[:, 4] > threshold]
    if rows.size == 0:
        return []
    layers = rows[:, 13:15] * rows[:, 4:5]
    scores = layers.max(axis=1)
    cx, cy, w, h = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).astype(np.float32)
    offset = np.array([left, top], np.float32)
    plates = []
    for i in _nms(boxes, scores, iou):
        box = (boxes[i].reshape(2, 2) - offset) / scale
        corners = ((rows[i, 5:13].reshape(4, 2) - offset) / scale).astype(np.float32)
        plates.append(
            PlateQuad(
                (float(box[0, 0]), float(box[0, 1]), float(box[1, 0]), float(box[1, 1])),
                corners,
                float(scores[i]),
                bool(layers[i].argmax() == 1),
            )
        )
    return plates


class PlateLocator:
    """Finds plates (box + corners) in a frame or a vehicle crop with the y5fu ONNX detector."""

    def __init__(self, model: Path = DETECTOR_320, threshold: float = 0.5, iou: float = 0.5, threads: int = 1):
        self._onnx = LazyOnnxSession(model, "plate detector model", threads)
        self.threshold = threshold
        self.iou = iou

    def locate(self, image: Image) -> list[PlateQuad]:
        """Plates in a BGR image, most confident first."""
        if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 8:
            raise ValueError(f"plate search needs a BGR image of at least 8 x 8 px, got shape {image.shape}")
        session = self._onnx.session
        boxed, scale, left, top = letterbox(image, int(session.get_inputs()[0].shape[2]))
        blob = (boxed[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32)) / 255.0
        name = session.get_inputs()[0].name
        rows = session.run(None, {name: blob})[0][0]
        return decode_rows(rows, scale, left, top, self.threshold, self.iou)


def rectify(image: Image, corners: npt.NDArray[np.float32], margin: tuple[float, float] = (0.0, 0.0)) -> Image:
    """The plate warped upright from its 4 corners (top-left, top-right, bottom-right, bottom-left) at
    its own resolution; `margin` grows the quad by that share of its width and height first."""
    tl, tr, br, bl = corners.astype(np.float32)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    across, down = (tr - tl + br - bl) / 2, (bl - tl + br - tr) / 2
    grow_x, grow_y = across * margin[0], down * margin[1]
    source = np.stack([tl - grow_x - grow_y, tr + grow_x - grow_y, br + grow_x + grow_y, bl - grow_x + grow_y])
    out_w = max(int(round(width * (1 + 2 * margin[0]))), 8)
    out_h = max(int(round(height * (1 + 2 * margin[1]))), 4)
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(source.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # type: ignore[return-value]


CLASSIFIER = MODELS / "litemodel_cls_96x_r1.onnx"
CLASSIFIER_COLOURS: tuple[str, ...] = ("blue", "green", "yellow")  # the classifier's output order


class PlateColourClassifier:
    """HyperLPR3's plate type classifier (96 x 96 BGR / 255): blue, green (new energy) or yellow."""

    def __init__(self, model: Path = CLASSIFIER, threads: int = 1):
        self._onnx = LazyOnnxSession(model, "plate colour classifier", threads)

    def scores(self, plate: Image) -> npt.NDArray[np.float32]:
        """Class scores (blue, green, yellow) of a rectified plate."""
        session = self._onnx.session
        blob = (cv2.resize(plate, (96, 96)).astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        name = session.get_inputs()[0].name
        return session.run(None, {name: blob})[0][0]  # type: ignore[no-any-return]

    def colour(self, plate: Image) -> str:
        return CLASSIFIER_COLOURS[int(np.argmax(self.scores(plate)))]
