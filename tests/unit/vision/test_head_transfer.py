"""Retargeting a detector's classes keeps the inherited classes' scores exactly."""

from __future__ import annotations

import pytest
import torch

from vision.head_transfer import (
    SplitClassBranch,
    append_class,
    class_convs,
    graft_class,
    graft_new_branches,
    retarget_classes,
    split_class_branches,
    split_freeze_names,
    train_only_class,
)


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


def test_append_class_keeps_every_old_output(coco_like: torch.nn.Module) -> None:
    new = append_class(coco_like, "vending_stall").eval()
    image = torch.rand(1, 3, 256, 320)
    with torch.no_grad():
        old_out, new_out = coco_like(image)[0], new(image)[0]
    assert new.names[4] == "vending_stall" and new_out.shape[1] == old_out.shape[1] + 1
    torch.testing.assert_close(new_out[:, :-1], old_out, rtol=0, atol=0)
    with pytest.raises(ValueError, match="already predicts 'car'"):
        append_class(coco_like, "car")


def test_only_the_new_class_row_learns_and_grafts_back(coco_like: torch.nn.Module) -> None:
    new = append_class(coco_like, "stall")
    train_only_class(new, 4)
    out = new.train()(torch.rand(2, 3, 128, 128))
    parts = [o.float().sum() for o in (out.values() if isinstance(out, dict) else out) if torch.is_tensor(o)]
    torch.stack(parts).sum().backward()
    for conv in class_convs(new):
        assert conv.weight.grad is not None and conv.bias.grad is not None
        assert float(conv.weight.grad[:4].abs().max()) == 0 and float(conv.weight.grad[4].abs().max()) > 0
        assert float(conv.bias.grad[:4].abs().max()) == 0
    trained = append_class(coco_like, "stall")
    with torch.no_grad():
        for conv in class_convs(trained):
            conv.weight.add_(1.0)  # every row moved: only row 4 may come over
    grafted = graft_class(append_class(coco_like, "stall"), trained, 4)
    for mine, theirs, source in zip(class_convs(grafted), class_convs(trained), class_convs(coco_like), strict=True):
        torch.testing.assert_close(mine.weight[4], theirs.weight[4])
        torch.testing.assert_close(mine.weight[:4], source.weight)


def test_split_branches_keep_every_old_output_and_start_from_the_appended_row(coco_like: torch.nn.Module) -> None:
    row_model = append_class(coco_like, "stall")
    with torch.no_grad():
        for conv in class_convs(row_model):
            conv.bias[4] = -1.0  # a "trained" row, so that the check below can fail
    split = split_class_branches(coco_like, "stall", row_model).eval()
    image = torch.rand(1, 3, 256, 320)
    with torch.no_grad():
        old_out, split_out, row_out = coco_like(image)[0], split(image)[0], row_model.eval()(image)[0]
    assert all(isinstance(b, SplitClassBranch) for b in split.model[-1].cv3) and split.names[4] == "stall"
    torch.testing.assert_close(split_out[:, :-1], old_out, rtol=0, atol=0)
    torch.testing.assert_close(split_out[:, -1], row_out[:, -1])  # the new branch starts as the row
    unseeded = split_class_branches(coco_like, "stall").eval()  # Ultralytics' prior: a low score
    with torch.no_grad():
        assert float(unseeded(image)[0][:, -1].max()) < 0.01
    with pytest.raises(ValueError, match="already predicts 'car'"):
        split_class_branches(coco_like, "car")
    with pytest.raises(ValueError, match="already has split"):
        split_class_branches(split, "other")


def test_only_the_new_branches_learn_and_graft_back(coco_like: torch.nn.Module) -> None:
    split = split_class_branches(coco_like, "stall")
    frozen = [f"model.{name}." for name in split_freeze_names(split)] + [".dfl"]  # as the trainer does
    for name, parameter in split.named_parameters():
        parameter.requires_grad_(not any(f in name for f in frozen))
    trainable = [name for name, p in split.named_parameters() if p.requires_grad]
    assert trainable and all(".new." in name for name in trainable)
    out = split.train()(torch.rand(2, 3, 128, 128))
    parts = [o.float().sum() for o in (out.values() if isinstance(out, dict) else out) if torch.is_tensor(o)]
    torch.stack(parts).sum().backward()
    for name, parameter in split.named_parameters():
        assert (parameter.grad is not None) == (".new." in name), name
    with torch.no_grad():
        for parameter in split.parameters():
            parameter.add_(1.0)  # everything moved: only the new branches may come over
    grafted = split_class_branches(coco_like, "stall")
    fresh = {k: v.clone() for k, v in grafted.state_dict().items()}
    grafted = graft_new_branches(grafted, split)
    for key, value in grafted.state_dict().items():
        expected = split.state_dict()[key] if ".new." in key else fresh[key]
        torch.testing.assert_close(value, expected, rtol=0, atol=0, msg=key)
