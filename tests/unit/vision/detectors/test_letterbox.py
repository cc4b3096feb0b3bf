from __future__ import annotations

import numpy as np
import pytest

from vision.detectors.letterbox import letterbox, rect_shape


@pytest.mark.parametrize(
    ("height", "width", "size", "expected"),
    [
        (720, 1280, 640, (384, 640)),  # 16:9 at 640: 640x360 padded to a multiple of 32
        (1080, 1920, 640, (384, 640)),
        (540, 960, 960, (544, 960)),
        (1280, 720, 640, (640, 384)),  # portrait
        (640, 640, 640, (640, 640)),
    ],
)
def test_rect_shape_is_the_smallest_stride_multiple(
    height: int, width: int, size: int, expected: tuple[int, int]
) -> None:
    assert rect_shape(height, width, size) == expected


def test_rect_letterbox_maps_boxes_back_to_the_frame() -> None:
    image = np.zeros((1080, 1920, 3), np.uint8)
    image[500:700, 300:900] = 255
    padded, box = letterbox(image, rect_shape(1080, 1920, 640))
    assert padded.shape == (384, 640, 3)
    ys, xs = np.nonzero(padded[:, :, 0] == 255)
    found = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], np.float32)
    np.testing.assert_allclose(box.unmap(found)[0], [300, 500, 900, 700], atol=3)
