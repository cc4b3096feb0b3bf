"""Give a pretrained detector a new class list while keeping what it knew about shared classes.

Fine-tuning COCO weights on the pipeline's labels normally throws the classification layers away
(their shape changes with the class count) and learns "vehicle" and "person" again from scratch,
mostly from synthetic scenes. Here the new model starts with every weight of the source, and each
new class that has a source class (vehicle <- car, truck <- truck, person <- person) starts with
that class's rows of the final classification convolutions. Classes without a source start as
Ultralytics initialises them (a low prior).

`SplitClassBranch` gives new classes a classification branch of their own beside the old one, so
that they get real capacity while the old classes' outputs stay those of the source, bit for bit.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn


def retarget_classes(source: Any, names: Sequence[str], init_from: Mapping[str, str]) -> Any:
    """A copy of `source` (an Ultralytics DetectionModel) predicting `names`.

    `init_from` maps a new class name to the source class name whose classifier rows it inherits.
    """
    import torch

    source_ids = {str(n): int(i) for i, n in source.names.items()}
    unknown = sorted(set(init_from.values()) - set(source_ids))
    if unknown:
        raise ValueError(f"source model has no classes {unknown}; it has {sorted(source_ids)[:10]}...")
    extra = sorted(set(init_from) - set(names))
    if extra:
        raise ValueError(f"init_from names classes {extra} that are not in the new class list")
    model = copy.deepcopy(source)
    head = model.model[-1]
    new_count = len(names)
    with torch.no_grad():
        for branch, stride in zip(head.cv3, head.stride.tolist(), strict=True):
            old = branch[-1]
            new = torch.nn.Conv2d(old.in_channels, new_count, kernel_size=1, bias=True)
            new_bias, old_bias = new.bias, old.bias
            assert new_bias is not None and old_bias is not None
            new.weight.zero_()
            # Ultralytics' prior: about 5 objects per 640x640 image over the class count
            new_bias.fill_(math.log(5 / new_count / (640 / stride) ** 2))
            for row, name in enumerate(names):
                if name in init_from:
                    src = source_ids[init_from[name]]
                    new.weight[row] = old.weight[src]
                    new_bias[row] = old_bias[src]
                else:
                    torch.nn.init.normal_(new.weight[row], std=0.01)
            branch[-1] = new
    head.nc = new_count
    head.no = new_count + head.reg_max * 4
    model.nc = new_count
    model.names = dict(enumerate(names))
    model.yaml = {**model.yaml, "nc": new_count}
    return model


def append_class(source: Any, name: str) -> Any:
    """A copy of `source` with one more class at the end; every old class keeps its rows (and so,
    classes being scored independently by a sigmoid, its scores)."""
    old = [str(source.names[i]) for i in range(len(source.names))]
    if name in old:
        raise ValueError(f"model already predicts {name!r}")
    return retarget_classes(source, [*old, name], {n: n for n in old})


def class_convs(model: Any) -> list[Any]:
    """The final 1x1 classification convolution of each Detect scale."""
    return [branch[-1] for branch in model.model[-1].cv3]


def train_only_class(model: Any, row: int) -> None:
    """Let only class `row`'s weights and bias in the classification convolutions learn: their other
    rows get zero gradients. Freeze everything else through the trainer (see `head_freeze_names`)."""
    import torch

    for conv in class_convs(model):
        for parameter in (conv.weight, conv.bias):
            mask = torch.zeros_like(parameter)
            mask[row] = 1.0
            parameter.register_hook(lambda grad, mask=mask: grad * mask)


def head_freeze_names(model: Any) -> list[int | str]:
    """Ultralytics `freeze` entries for every module but the classification convolutions (the
    trainer freezes `model.{entry}.`; frozen BatchNorm layers stay in eval mode)."""
    last = len(model.model) - 1
    head = model.model[-1]
    names: list[int | str] = [*range(last), f"{last}.cv2"]
    for i, branch in enumerate(head.cv3):
        names += [f"{last}.cv3.{i}.{j}" for j in range(len(branch) - 1)]
    return names


def graft_class(target: Any, trained: Any, row: int) -> Any:
    """A copy of `target` whose class `row` rows come from `trained`; every other weight is `target`'s."""
    import torch

    model = copy.deepcopy(target)
    with torch.no_grad():
        for mine, theirs in zip(class_convs(model), class_convs(trained), strict=True):
            mine.weight[row] = theirs.weight[row].to(mine.weight.dtype)
            mine.bias[row] = theirs.bias[row].to(mine.bias.dtype)
    return model


class SplitClassBranch(nn.Module):
    """One Detect scale's classification branch: the source's branch for the old classes and a new
    branch for the new ones, run side by side and concatenated along channels (old classes first)."""

    def __init__(self, old: nn.Module, new: nn.Module) -> None:
        super().__init__()
        self.old = old
        self.new = new

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.old(x), self.new(x)), 1)


def split_class_branches(source: Any, name: str, row_init: Any | None = None) -> Any:
    """A copy of `source` (an Ultralytics DetectionModel) with class `name` appended, predicted by a
    branch of its own at each Detect scale: two 3x3 Convs copied from the old branch's and a 1x1
    convolution with one output. The new 1x1 starts from `row_init`'s (a model from `append_class`)
    last class row where given, else from N(0, 0.01) with Ultralytics' prior bias. The old branches
    are the source's modules, untouched."""
    old_names = [str(source.names[i]) for i in range(len(source.names))]
    if name in old_names:
        raise ValueError(f"model already predicts {name!r}")
    model = copy.deepcopy(source)
    head = model.model[-1]
    if any(isinstance(branch, SplitClassBranch) for branch in head.cv3):
        raise ValueError("model already has split classification branches")
    rows = class_convs(row_init) if row_init is not None else [None] * len(head.cv3)
    if len(rows) != len(head.cv3):
        raise ValueError(f"row_init has {len(rows)} Detect scales, the model {len(head.cv3)}")
    new_count = len(old_names) + 1
    with torch.no_grad():
        for i, (branch, stride, row) in enumerate(zip(head.cv3, head.stride.tolist(), rows, strict=True)):
            old_last = branch[-1]
            last = nn.Conv2d(old_last.in_channels, 1, kernel_size=1, bias=True)
            bias = last.bias
            assert bias is not None
            if row is not None:
                if row.out_channels != new_count:
                    raise ValueError(f"row_init predicts {row.out_channels} classes, expected {new_count}")
                last.weight.copy_(row.weight[-1:])
                bias.copy_(row.bias[-1:])
            else:
                nn.init.normal_(last.weight, std=0.01)
                bias.fill_(math.log(5 / new_count / (640 / stride) ** 2))
            new = nn.Sequential(*(copy.deepcopy(m) for m in list(branch)[:-1]), last)
            head.cv3[i] = SplitClassBranch(branch, new)
    head.nc = new_count
    head.no = new_count + head.reg_max * 4
    model.nc = new_count
    model.names = dict(enumerate([*old_names, name]))
    model.yaml = {**model.yaml, "nc": new_count}
    return model


def split_freeze_names(model: Any) -> list[int | str]:
    """Ultralytics `freeze` entries for every module but the new classification branches."""
    last = len(model.model) - 1
    return [*range(last), f"{last}.cv2", *(f"{last}.cv3.{i}.old" for i in range(len(model.model[-1].cv3)))]


def graft_new_branches(target: Any, trained: Any) -> Any:
    """A copy of `target` (from `split_class_branches`) whose new branches, parameters and
    BatchNorm statistics, are `trained`'s; every other weight is `target`'s."""
    model = copy.deepcopy(target)
    for mine, theirs in zip(model.model[-1].cv3, trained.model[-1].cv3, strict=True):
        if not isinstance(mine, SplitClassBranch) or not isinstance(theirs, SplitClassBranch):
            raise ValueError("both models need split classification branches")
        mine.new.load_state_dict(theirs.new.state_dict())
    return model
