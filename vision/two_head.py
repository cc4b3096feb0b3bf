"""A COCO detector kept whole, plus a small head of its own for the classes COCO lacks.

Fine-tuning a COCO YOLOv8n on synthetic street scenes made it forget real cars, trucks and people
(street-v2's card: COCO128 vehicle AP50 0.326 -> 0.142). Here nothing COCO learnt is trained: the
backbone, the neck and COCO's own Detect head stay as they are, and the new classes (plate, mud,
uncovered load, smoke, grill, fire) get a slim Detect head that reads the same neck features. One
network runs once per frame; the two heads' anchors are stacked in one output, so the product's
decoder and class-aware NMS need no change:

    output (batch, 4 + len(names), 2 * anchors): COCO's anchors first, then the new head's
    (3 * anchors where the new head also predicts street labels COCO gives: see StackedHeads).

COCO's anchors carry only the street labels, with Ultralytics' own semantics over the road-user
classes COCO_KEPT (an anchor's class is the argmax over those; `vehicle` when that is car or bus), so
their boxes and scores are exactly the COCO model's for those classes; the new head's anchors carry
only the new classes. COCO's other 72 class filters are cut from its last class convolutions: their
float outputs (kept out of INT8 for score accuracy) and their sigmoid were a tenth of the head's time.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn
from ultralytics.nn.modules import Conv, Detect

# street label <- the COCO classes whose argmax gives it (the product's teacher mapping)
COCO_TO_STREET: Mapping[str, tuple[str, ...]] = {
    "vehicle": ("car", "bus"),
    "truck": ("truck",),
    "person": ("person",),
}

# the COCO classes the stacked model keeps: the street labels' own and the road users an anchor's
# argmax must still tell them apart from (a motorcycle or a train is not a `vehicle`)
COCO_KEPT: tuple[str, ...] = ("person", "bicycle", "car", "motorcycle", "bus", "train", "truck", "boat")


class SlimDetect(Detect):  # type: ignore[misc]
    """A Detect head whose box and class branches share one 3x3 stem per scale, `width` channels
    wide (COCO's head is 64 + 80 channels with two stems), so that a second head costs little."""

    stem: nn.ModuleList

    def forward_head(self, x: list[torch.Tensor], box_head: Any = None, cls_head: Any = None) -> dict[str, Any]:
        if box_head is None or cls_head is None:
            return {}
        batch = x[0].shape[0]
        stems = [self.stem[i](x[i]) for i in range(self.nl)]
        boxes = torch.cat([box_head[i](stems[i]).view(batch, 4 * self.reg_max, -1) for i in range(self.nl)], -1)
        scores = torch.cat([cls_head[i](stems[i]).view(batch, self.nc, -1) for i in range(self.nl)], -1)
        return {"boxes": boxes, "scores": scores, "feats": x}


def _subset_conv(source: Any, out_channels: int, in_channels: int | None = None) -> Any:
    """An Ultralytics Conv (conv + BN + SiLU) with `source`'s first filters (and input channels)."""
    src_conv = source.conv
    take_in = in_channels or src_conv.in_channels
    block = Conv(take_in, out_channels, src_conv.kernel_size[0])
    with torch.no_grad():
        block.conv.weight.copy_(src_conv.weight[:out_channels, :take_in])
        for name in ("weight", "bias", "running_mean", "running_var"):
            getattr(block.bn, name).copy_(getattr(source.bn, name)[:out_channels])
    return block


def slim_head(coco_head: Any, names: Sequence[str], width: int = 32) -> SlimDetect:
    """A SlimDetect for `names` reading the same features as `coco_head`. Its stem and box branch
    start from the first `width` filters of COCO's box branch (a box regressor that already knows
    where objects end); the class outputs start at Ultralytics' prior."""
    channels = [int(branch[0].conv.in_channels) for branch in coco_head.cv2]
    head = SlimDetect(nc=len(names), reg_max=coco_head.reg_max, ch=tuple(channels))
    head.legacy = coco_head.legacy
    head.stride = coco_head.stride.clone()
    for attribute in ("f", "i", "type", "np"):
        setattr(head, attribute, getattr(coco_head, attribute))
    stems, boxes, classes = [], [], []
    for branch in coco_head.cv2:
        stems.append(_subset_conv(branch[0], width))
        box_last = nn.Conv2d(width, 4 * head.reg_max, 1)
        with torch.no_grad():
            box_last.weight.copy_(branch[2].weight[:, :width])
            box_last.bias.copy_(branch[2].bias)  # type: ignore[union-attr]
        boxes.append(nn.Sequential(_subset_conv(branch[1], width, width), box_last))
        classes.append(nn.Sequential(Conv(width, width, 3), nn.Conv2d(width, head.nc, 1)))
    head.stem = nn.ModuleList(stems)
    head.cv2 = nn.ModuleList(boxes)
    head.cv3 = nn.ModuleList(classes)
    with torch.no_grad():
        for stride, branch in zip(head.stride.tolist(), head.cv3, strict=True):
            branch[-1].bias.fill_(math.log(5 / head.nc / (640 / stride) ** 2))  # type: ignore[index]
    return head


def new_class_model(coco: Any, names: Sequence[str], width: int = 32) -> Any:
    """The model to train: a copy of `coco` (an Ultralytics DetectionModel) whose Detect head is a
    SlimDetect for `names`. Train it with every module but the last frozen (`trunk_freeze`)."""
    model = copy.deepcopy(coco)
    model.model[-1] = slim_head(coco.model[-1], names, width)
    model.nc = len(names)
    model.names = dict(enumerate(names))
    model.yaml = {**model.yaml, "nc": len(names)}
    return model


def keep_classes(head: Any, names: Mapping[int, str], kept: Sequence[str]) -> dict[int, str]:
    """Cut `head` (an Ultralytics Detect) down to the classes `kept`: each scale's last class
    convolution keeps only their filters. Returns the head's new index -> name map."""
    index = {name: i for i, name in names.items()}
    missing = [name for name in kept if name not in index]
    if missing:
        raise ValueError(f"the COCO model has no classes {missing}")
    rows = [index[name] for name in kept]
    for branch in head.cv3:
        last = branch[-1]
        cut = nn.Conv2d(last.in_channels, len(rows), 1)
        with torch.no_grad():
            cut.weight.copy_(last.weight[rows])
            cut.bias.copy_(last.bias[rows])  # type: ignore[union-attr]
        branch[-1] = cut
    head.nc = len(rows)
    head.no = head.nc + 4 * head.reg_max
    return dict(enumerate(kept))


def widen_classes(model: Any, names: Sequence[str]) -> Any:
    """A copy of `model` (from `new_class_model`) whose SlimDetect predicts `names`, a superset of its
    own: the class filters it has keep their weights, the others start at Ultralytics' prior. So a
    trained head can learn more classes without unlearning the ones it has."""
    old = [str(model.names[i]) for i in range(len(model.names))]
    dropped = [name for name in old if name not in names]
    if dropped:
        raise ValueError(f"widen_classes keeps every class the head has; {dropped} are missing")
    wide = copy.deepcopy(model)
    head = wide.model[-1]
    for stride, branch in zip(head.stride.tolist(), head.cv3, strict=True):
        last = branch[-1]
        grown = nn.Conv2d(last.in_channels, len(names), 1)
        with torch.no_grad():
            grown.weight.mul_(0.1)
            grown.bias.fill_(math.log(5 / len(names) / (640 / stride) ** 2))  # type: ignore[union-attr]
            for i, name in enumerate(names):
                if name in old:
                    grown.weight[i] = last.weight[old.index(name)]
                    grown.bias[i] = last.bias[old.index(name)]  # type: ignore[index]
        branch[-1] = grown
    head.nc = len(names)
    head.no = head.nc + 4 * head.reg_max
    wide.nc = len(names)
    wide.names = dict(enumerate(names))
    wide.yaml = {**wide.yaml, "nc": len(names)}
    return wide


def trunk_freeze(model: Any) -> list[int]:
    """Ultralytics `freeze` indices: the backbone and neck (their BatchNorms stay in eval mode)."""
    return list(range(len(model.model) - 1))


class StackedHeads(nn.Module):
    """COCO's Detect and a SlimDetect on the same features, their anchors stacked in one output
    (see the module docstring). Where the SlimDetect also predicts street labels COCO gives
    (`vehicle`, `truck`, `person`: street-v5's head, which learnt rendered scenes), its anchors come
    twice: once with only those labels, once with only the new classes, so that a mud anchor never
    competes with a truck anchor for its one label in the decoder's per-anchor argmax. Inference only."""

    def __init__(
        self, coco_head: Any, new_head: Any, coco_names: Mapping[int, str], new_names: Sequence[str]
    ) -> None:
        super().__init__()
        self.coco = coco_head
        self.new = new_head
        for attribute in ("f", "i", "type", "np", "stride"):
            setattr(self, attribute, getattr(coco_head, attribute))
        index = {name: i for i, name in coco_names.items()}
        missing = sorted({c for group in COCO_TO_STREET.values() for c in group} - set(index))
        if missing:
            raise ValueError(f"the COCO model has no classes {missing}")
        self.groups = [tuple(index[c] for c in group) for group in COCO_TO_STREET.values()]
        street = list(COCO_TO_STREET)
        self.new_only = [i for i, name in enumerate(new_names) if name not in COCO_TO_STREET]
        # per street label, the SlimDetect's class index for it (None: the head does not predict it)
        self.new_street = [new_names.index(name) if name in new_names else None for name in street]

    @staticmethod
    def _any_of(winner: torch.Tensor, group: tuple[int, ...]) -> torch.Tensor:
        hit = winner == group[0]
        for index in group[1:]:
            hit = hit | (winner == index)
        return hit

    def forward(self, x: list[torch.Tensor]) -> torch.Tensor:
        coco = self.coco(x)
        new = self.new(x)
        coco = coco[0] if isinstance(coco, tuple) else coco
        new = new[0] if isinstance(new, tuple) else new
        best, winner = coco[:, 4:].max(1, keepdim=True)
        street = [torch.where(self._any_of(winner, group), best, 0.0) for group in self.groups]
        batch, anchors, new_anchors = coco.shape[0], coco.shape[2], new.shape[2]
        new_classes = [new[:, 4 + i : 5 + i] for i in self.new_only]
        coco_rows = torch.cat([coco[:, :4], *street, coco.new_zeros(batch, len(new_classes), anchors)], 1)
        new_rows = torch.cat([new[:, :4], new.new_zeros(batch, len(street), new_anchors), *new_classes], 1)
        parts = [coco_rows, new_rows]
        if any(i is not None for i in self.new_street):
            learnt = [
                new[:, 4 + i : 5 + i] if i is not None else new.new_zeros(batch, 1, new_anchors)
                for i in self.new_street
            ]
            parts.append(torch.cat([new[:, :4], *learnt, new.new_zeros(batch, len(new_classes), new_anchors)], 1))
        return torch.cat(parts, 2)


def stack_heads(coco: Any, trained: Any) -> Any:
    """One inference model: `coco`'s trunk and head (cut to COCO_KEPT), plus `trained`'s (from
    `new_class_model`) SlimDetect. Names: the street labels of COCO_TO_STREET, then the new classes."""
    model = copy.deepcopy(coco).float().eval()
    new_head = copy.deepcopy(trained.model[-1]).float().eval()
    coco_head = model.model[-1]
    kept = keep_classes(coco_head, coco.names, COCO_KEPT)
    for head in (coco_head, new_head):
        head.export = True
        head.dynamic = True
    trained_names = [str(trained.names[i]) for i in range(len(trained.names))]
    model.model[-1] = StackedHeads(coco_head, new_head, kept, trained_names)
    names = [*COCO_TO_STREET, *(name for name in trained_names if name not in COCO_TO_STREET)]
    model.names = dict(enumerate(names))
    model.nc = len(names)
    return model


def export_stacked_onnx(model: Any, target: Any, imgsz: int = 640, opset: int = 17) -> Any:
    """ONNX with dynamic batch/height/width and Ultralytics-style metadata (names, stride, imgsz)."""
    from pathlib import Path

    import onnx

    target = Path(target)
    dummy = torch.zeros(1, 3, imgsz, imgsz)
    torch.onnx.export(
        model,
        (dummy,),
        str(target),
        opset_version=opset,
        input_names=["images"],
        output_names=["output0"],
        dynamic_axes={"images": {0: "batch", 2: "height", 3: "width"}, "output0": {0: "batch", 2: "anchors"}},
        dynamo=False,
    )
    proto = onnx.load(str(target))
    metadata = {
        "names": str(dict(model.names)),
        "stride": str(int(max(model.model[-1].stride.tolist()))),
        "imgsz": str([imgsz, imgsz]),
        "task": "detect",
        "batch": "1",
        "description": "COCO YOLOv8n kept whole + a slim head for the street classes COCO lacks",
    }
    del proto.metadata_props[:]
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=value)
    onnx.save(proto, str(target))
    return target
