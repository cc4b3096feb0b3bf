"""Retargeting a detector's classes keeps the inherited classes' scores exactly."""

from __future__ import annotations

import pytest
import torch

from vision.head_transfer import retarget_classes


@pytest.fixture(scope="module")
def coco_like() -> torch.nn.Module:
    from ultralytics.nn.tasks import DetectionModel

    torch.manual_seed(0)
    model = DetectionModel("yolov8n.yaml", nc=4, verbose=False)
    model.names = {0: "person", 1: "bicycle", 2: "car", 3: "truck"}
    return model.eval()


def test_inherited_rows_score_like_their_source(coco_like: torch.nn.Module) -> None:
    names = ["vehicle", "truck", "person", "smoke", "grill"]
    new = retarget_classes(coco_like, names, {"vehicle": "car", "truck": "truck", "person": "person"}).eval()
    image = torch.rand(1, 3, 256, 320)
    with torch.no_grad():
        old_out, new_out = coco_like(image)[0], new(image)[0]  # [1, 4 + classes, anchors]
    assert new_out.shape[1] == 4 + len(names)
    torch.testing.assert_close(new_out[:, :4], old_out[:, :4])  # boxes untouched
    for row, source in ((0, 2), (1, 3), (2, 0)):
        torch.testing.assert_close(new_out[:, 4 + row], old_out[:, 4 + source])
    assert new.names == dict(enumerate(names)) and new.model[-1].nc == len(names)
    assert not torch.allclose(new_out[:, 4 + 3], old_out[:, 4 + 1])  # a new class is not a copy


def test_unknown_source_class_is_refused(coco_like: torch.nn.Module) -> None:
    with pytest.raises(ValueError, match="no classes \\['bus'\\]"):
        retarget_classes(coco_like, ["vehicle"], {"vehicle": "bus"})
    with pytest.raises(ValueError, match="not in the new class list"):
        retarget_classes(coco_like, ["vehicle"], {"lorry": "truck"})
