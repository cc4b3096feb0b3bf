"""A COCO detector kept whole plus a slim head for the new classes (`vision.two_head`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from vision.quantize import float_head_nodes
from vision.two_head import COCO_KEPT, COCO_TO_STREET, new_class_model, stack_heads, trunk_freeze, widen_classes

NEW = ("license_plate", "mud", "smoke")


@pytest.fixture(scope="module")
def coco() -> torch.nn.Module:
    """A randomly initialised YOLOv8n with COCO's class list (its first nine names are COCO's own)."""
    from ultralytics.nn.tasks import DetectionModel

    torch.manual_seed(0)
    model = DetectionModel("yolov8n.yaml", nc=80, verbose=False)
    names = {i: f"class{i}" for i in range(80)}
    names.update(enumerate(["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"]))
    model.names = names
    for m in model.modules():  # scores spread over classes, so argmax winners differ per anchor
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_var.fill_(0.5)
    return model.float().eval()


def _coco_output(coco: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        out = coco(x)
    return out[0] if isinstance(out, tuple) else out


def test_street_rows_are_the_coco_models_argmax_over_the_kept_classes_and_boxes(coco: torch.nn.Module) -> None:
    stacked = stack_heads(coco, new_class_model(coco, NEW, width=16))
    x = torch.rand(2, 3, 256, 320)
    reference = _coco_output(coco, x)
    with torch.no_grad():
        out = stacked(x)
    anchors = reference.shape[2]
    assert out.shape == (2, 4 + len(COCO_TO_STREET) + len(NEW), 2 * anchors)
    assert torch.equal(out[:, :4, :anchors], reference[:, :4])
    kept = [0, 1, 2, 3, 5, 6, 7, 8]
    assert [coco.names[i] for i in kept] == list(COCO_KEPT)
    all_winner = reference[:, 4:].argmax(1)
    assert not torch.isin(all_winner, torch.tensor(kept)).all()  # some anchors' overall winner is cut
    best, position = reference[:, [4 + i for i in kept]].max(1)
    winner = torch.tensor(kept)[position]
    for row, wanted in enumerate(([2, 5], [7], [0])):
        hit = torch.zeros_like(winner, dtype=torch.bool)
        for index in wanted:
            hit |= winner == index
        assert torch.equal(out[:, 4 + row, :anchors], torch.where(hit, best, torch.zeros_like(best)))
    assert (out[:, 4 + len(COCO_TO_STREET) :, :anchors] == 0).all()  # COCO anchors carry no new class
    assert (out[:, 4 : 4 + len(COCO_TO_STREET), anchors:] == 0).all()  # new anchors carry no street label
    assert [stacked.names[i] for i in range(len(stacked.names))] == [*COCO_TO_STREET, *NEW]


def test_only_the_new_head_is_left_to_train(coco: torch.nn.Module) -> None:
    model = new_class_model(coco, NEW, width=16)
    assert trunk_freeze(model) == list(range(len(model.model) - 1))
    model.train()
    preds = model.model[-1]([torch.rand(1, c, s, s) for c, s in ((64, 32), (128, 16), (256, 8))])
    assert preds["scores"].shape == (1, len(NEW), 32 * 32 + 16 * 16 + 8 * 8)
    assert preds["boxes"].shape == (1, 64, 32 * 32 + 16 * 16 + 8 * 8)
    trunk = {k: v for k, v in model.state_dict().items() if not k.startswith(f"model.{len(model.model) - 1}.")}
    source = coco.state_dict()
    assert all(torch.equal(v, source[k]) for k, v in trunk.items())


def test_a_model_without_the_street_classes_is_refused(coco: torch.nn.Module) -> None:
    import copy

    other = copy.deepcopy(coco)
    other.names = {i: f"class{i}" for i in range(80)}
    with pytest.raises(ValueError, match="no classes"):
        stack_heads(other, new_class_model(other, NEW, width=16))


def test_onnx_export_matches_torch_and_keeps_both_heads_logits_in_float(coco: torch.nn.Module, tmp_path: Path) -> None:
    import onnxruntime as ort

    from vision.two_head import export_stacked_onnx

    stacked = stack_heads(coco, new_class_model(coco, NEW, width=16))
    target = export_stacked_onnx(stacked, tmp_path / "stacked.onnx", imgsz=320)
    x = torch.rand(1, 3, 192, 320)
    with torch.no_grad():
        expected = stacked(x).numpy()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {"images": x.numpy()})[0]
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-3
    names = eval(session.get_modelmeta().custom_metadata_map["names"])  # noqa: S307 - our own metadata
    assert list(names.values()) == [*COCO_TO_STREET, *NEW]
    kept = set(float_head_nodes(onnx.load(str(target))))
    logits = {n for n in kept if n.endswith("/Conv") and "/dfl/" not in n}  # the DFL decodes: float too
    wanted = {
        f"/model.22/{head}/cv3.{i}/cv3.{i}.{last}/Conv" for head, last in (("coco", 2), ("new", 1)) for i in range(3)
    }
    assert logits == wanted
    convs = [n.name for n in onnx.load(str(target)).graph.node if n.op_type == "Conv"]
    assert any("/new/stem." in n for n in convs) and not any("/new/stem." in n for n in kept)


def test_a_widened_head_keeps_its_classes_and_learns_new_ones(coco: torch.nn.Module) -> None:
    narrow = new_class_model(coco, NEW, width=16).eval()
    wide = widen_classes(narrow, ("vehicle", "truck", *NEW)).eval()
    assert [wide.names[i] for i in range(len(wide.names))] == ["vehicle", "truck", *NEW]
    x = torch.rand(1, 3, 256, 320)
    with torch.no_grad():
        before, after = narrow(x)[0], wide(x)[0]
    assert after.shape[1] == 4 + 2 + len(NEW)
    assert torch.allclose(after[:, :4], before[:, :4]) and torch.allclose(after[:, 6:], before[:, 4:])
    assert after[:, 4:6].max() < 0.05  # the new classes start at the prior: nothing is found yet
    with pytest.raises(ValueError, match="missing"):
        widen_classes(narrow, ("vehicle", "mud"))


def test_street_labels_of_the_new_head_ride_on_their_own_anchors(coco: torch.nn.Module) -> None:
    """A head that also learnt vehicle and truck: its anchors come twice, once with only those labels
    and once with only the new classes, so that the decoder's per-anchor argmax never lets a truck
    score hide a mud score on the same anchor."""
    trained = widen_classes(new_class_model(coco, NEW, width=16), ("vehicle", "truck", *NEW))
    stacked = stack_heads(coco, trained)
    x = torch.rand(1, 3, 256, 320)
    reference = _coco_output(coco, x)
    with torch.no_grad():
        out = stacked(x)
        own = trained.eval()(x)[0]
    anchors = reference.shape[2]
    assert [stacked.names[i] for i in range(len(stacked.names))] == [*COCO_TO_STREET, *NEW]
    assert out.shape == (1, 4 + len(COCO_TO_STREET) + len(NEW), 3 * anchors)
    new_classes, learnt = out[:, :, anchors : 2 * anchors], out[:, :, 2 * anchors :]
    assert torch.allclose(new_classes[:, :4], own[:, :4]) and torch.allclose(learnt[:, :4], own[:, :4])
    assert torch.allclose(new_classes[:, 4 + len(COCO_TO_STREET) :], own[:, 6:])
    assert (new_classes[:, 4 : 4 + len(COCO_TO_STREET)] == 0).all()
    assert torch.allclose(learnt[:, 4:6], own[:, 4:6])  # vehicle, truck
    assert (learnt[:, 6:] == 0).all()  # person (the head does not predict it) and the new classes
