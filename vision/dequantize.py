"""Turn an Ultralytics YOLO OpenVINO IR (INT8 or FP) back into trainable FP32 Ultralytics weights.

The real-data kit ships COCO-pretrained YOLOv8n only as an INT8 OpenVINO export. Fine-tuning needs
PyTorch weights, so this module reads every convolution's weights out of the IR (int8 values times
their per-channel scales, evaluated by OpenVINO itself) and its bias (the `Add` that follows it),
and writes them into the same architecture built from its Ultralytics yaml. Batch-norm was folded
into the convolutions at export; each BatchNorm is set to the identity plus the folded bias, which
is exact at inference and trains like any BatchNorm afterwards. Activation fake-quantisation is not
carried over, so the FP32 model is the IR without its activation rounding
(`tests/integration/realdata/test_dequantize.py` checks that both find the same objects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

FloatArray = npt.NDArray[np.float32]
# "/model.2/m.0/cv1/conv/Conv" -> "model.2.m.0.cv1.conv"; the head's last convs have no "/conv/"
_CONV_NAME = re.compile(r"^/(?P<path>model\.\d+(?:/[\w.]+?)*?)(?:/conv)?/Conv(?:/WithoutBiases)?$")


@dataclass(frozen=True)
class IrConv:
    """One convolution read from the IR: its module path in the Ultralytics model and its weights."""

    module: str  # e.g. "model.2.m.0.cv1" (a Conv block) or "model.22.cv2.0.2" (a plain nn.Conv2d)
    weight: FloatArray  # [out, in, kh, kw]
    bias: FloatArray | None


def _constant_value(output: Any) -> FloatArray:
    """Evaluate a constant subgraph (e.g. Convert(int8) * scale) with OpenVINO itself."""
    import openvino as ov

    node = output.get_node()
    if node.get_type_name() == "Constant":
        return np.asarray(node.get_data(), dtype=np.float32)
    model = ov.Model([output], [], "constant")
    compiled = ov.Core().compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    return np.asarray(compiled({})[0], dtype=np.float32)


def _module_path(conv_name: str) -> str:
    match = _CONV_NAME.match(conv_name)
    if match is None:
        raise ValueError(f"IR convolution {conv_name!r} does not follow Ultralytics' ONNX naming")
    parts: list[str] = []
    for part in match["path"].split("/"):
        if parts and part.startswith(parts[-1] + "."):  # "cv2.0/cv2.0.0": a Sequential's child
            parts[-1] = part
        else:
            parts.append(part)
    return ".".join(parts)


def read_ir_convs(xml: Path) -> list[IrConv]:
    """Every convolution of the IR with its FP32 weight and bias, in graph order."""
    import openvino as ov

    model = ov.Core().read_model(str(xml))
    convs: list[IrConv] = []
    for op in model.get_ordered_ops():
        if op.get_type_name() != "Convolution":
            continue
        weight = _constant_value(op.input_value(1))
        bias = None
        consumers = [t.get_node() for t in op.output(0).get_target_inputs()]
        adds = [c for c in consumers if c.get_type_name() == "Add"]
        if len(adds) == 1:
            add = adds[0]
            other = add.input_value(1) if add.input_value(0).get_node() is op else add.input_value(0)
            bias = _constant_value(other).reshape(-1)
            name = add.get_friendly_name()
        else:
            name = op.get_friendly_name()
        convs.append(IrConv(_module_path(name), weight, bias))
    return convs


def ir_metadata(xml: Path) -> dict[str, Any]:
    """The export's metadata.yaml (class names, image size) beside the IR."""
    meta = xml.parent / "metadata.yaml"
    if not meta.is_file():
        raise FileNotFoundError(f"{meta} is missing: an Ultralytics export folder has one")
    data = yaml.safe_load(meta.read_text())
    if not isinstance(data, dict) or "names" not in data:
        raise ValueError(f"{meta} has no class names")
    return data


def dequantize_to_ultralytics(xml: Path, architecture: str = "yolov8n.yaml") -> Any:
    """An Ultralytics DetectionModel with the IR's weights, FP32, ready to fine-tune or export."""
    import torch
    from ultralytics.nn.tasks import DetectionModel

    meta = ir_metadata(xml)
    names = {int(k): str(v) for k, v in meta["names"].items()}
    model = DetectionModel(architecture, nc=len(names), verbose=False)
    modules = dict(model.named_modules())
    seen: set[str] = set()
    with torch.no_grad():
        for conv in read_ir_convs(xml):
            block = modules.get(conv.module)
            if block is None:
                raise ValueError(f"{architecture} has no module {conv.module} (wrong architecture?)")
            seen.add(conv.module)
            if not isinstance(block, torch.nn.Conv2d) and not hasattr(block, "bn"):  # the DFL
                block = block.conv
            if isinstance(block, torch.nn.Conv2d):  # the head's last convs and the DFL
                _copy(block.weight, conv.weight, conv.module)
                if block.bias is not None and conv.bias is not None:
                    _copy(block.bias, conv.bias, conv.module)
                continue
            _copy(block.conv.weight, conv.weight, conv.module)
            bias = conv.bias if conv.bias is not None else np.zeros(conv.weight.shape[0], np.float32)
            bn = block.bn
            bn.weight.fill_(1.0)
            _copy(bn.bias, bias, conv.module)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)  # (x - 0) / sqrt(1 - eps + eps) * 1 + b = x + b
    missing = [
        name
        for name, m in modules.items()
        if isinstance(m, torch.nn.Conv2d) and name not in seen and name.rsplit(".", 1)[0] not in seen
    ]
    if missing:
        raise ValueError(f"the IR has no weights for {len(missing)} convolutions, e.g. {missing[:3]}")
    model.names = names
    model.float().eval()
    return model


def _copy(target: Any, value: FloatArray, where: str) -> None:
    import torch

    if tuple(target.shape) != value.shape:
        raise ValueError(f"{where}: IR shape {value.shape} != model shape {tuple(target.shape)}")
    target.copy_(torch.from_numpy(np.array(value, dtype=np.float32, copy=True)))


def save_checkpoint(model: Any, out: Path, source: str) -> Path:
    """Save in the checkpoint layout `YOLO(path)` loads and trains from."""
    import torch
    from ultralytics import __version__

    out.parent.mkdir(parents=True, exist_ok=True)
    import copy

    checkpoint = {
        "model": copy.deepcopy(model).half(),  # as Ultralytics stores weights; loading makes them float
        "ema": None,
        "updates": None,
        "optimizer": None,
        "epoch": -1,
        "train_args": {"task": "detect"},
        "date": None,
        "version": __version__,
        "source": source,
    }
    torch.save(checkpoint, out)
    return out
