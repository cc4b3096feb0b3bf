"""Letterbox resize as Ultralytics does it, and the inverse mapping of boxes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

PAD_VALUE = 114


@dataclass(frozen=True)
class Letterbox:
    gain: float
    left: int
    top: int
    width: int  # original image size
    height: int

    def unmap(self, boxes: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Model-input xyxy -> original-image xyxy, clipped to the image."""
        out = boxes.copy()
        out[:, [0, 2]] = (out[:, [0, 2]] - self.left) / self.gain
        out[:, [1, 3]] = (out[:, [1, 3]] - self.top) / self.gain
        out[:, [0, 2]] = out[:, [0, 2]].clip(0, self.width)
        out[:, [1, 3]] = out[:, [1, 3]].clip(0, self.height)
        return out


def rect_shape(height: int, width: int, size: int, stride: int = 32) -> tuple[int, int]:
    """The smallest (h, w), multiples of `stride`, that hold the image scaled so its longer side is
    `size`: a 16:9 frame at 640 runs at 640x384 instead of 640x640 (as Ultralytics' rect inference)."""
    gain = size / max(height, width)
    return (
        int(np.ceil(round(height * gain) / stride) * stride),
        int(np.ceil(round(width * gain) / stride) * stride),
    )


def letterbox(
    image: npt.NDArray[np.uint8], shape: tuple[int, int]
) -> tuple[npt.NDArray[np.uint8], Letterbox]:
    """Resize keeping aspect ratio, pad centred to `shape` (h, w) with grey 114."""
    h0, w0 = image.shape[:2]
    gain = min(shape[0] / h0, shape[1] / w0)
    new_w, new_h = max(round(w0 * gain), 1), max(round(h0 * gain), 1)
    dw, dh = (shape[1] - new_w) / 2, (shape[0] - new_h) / 2
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    resized = (
        image
        if (w0, h0) == (new_w, new_h)
        else cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    )
    padded: npt.NDArray[np.uint8] = cv2.copyMakeBorder(  # type: ignore[assignment]
        resized, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(PAD_VALUE,) * 3
    )
    return padded, Letterbox(gain=gain, left=left, top=top, width=w0, height=h0)


def model_input(
    image: npt.NDArray[np.uint8], fixed_shape: tuple[int, int] | None, image_size: int
) -> tuple[npt.NDArray[np.float32], Letterbox]:
    """A BGR frame as an ONNX detector's input (1 x 3 x H x W, RGB, 0..1): letterboxed to the
    model's fixed (h, w) where it has one, else to the smallest stride-32 rectangle for `image_size`."""
    shape = fixed_shape or rect_shape(image.shape[0], image.shape[1], image_size)
    padded, box = letterbox(image, shape)
    tensor = np.ascontiguousarray(padded[:, :, ::-1].transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
    return tensor, box
