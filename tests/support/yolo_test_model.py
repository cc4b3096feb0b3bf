"""A YOLOv8n with COCO class names built from its yaml, no download, that outputs boxes.

Random initial weights give a constant output, so the head's last convolutions are rescaled on a
calibration image: box and class logits then vary with image content, and only a few chosen classes
can score above the threshold. Both backends load the same saved weights, so any difference between
them comes from our pre-/post-processing, which is what the parity test is after.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import yaml

ACTIVE_CLASSES = ("person", "car", "truck", "bus", "dog")  # dog: a class a street class map drops
COCO_STREET_MAP = {
    "car": "vehicle",
    "bus": "vehicle",
    "motorcycle": "vehicle",
    "truck": "truck",
    "person": "person",
}
IMAGE_SIZE = 320


@dataclass(frozen=True)
class BuiltModel:
    pt: Path
    onnx: Path
    names: dict[int, str]


def scene(seed: int, width: int = 640, height: int = 400) -> npt.NDArray[np.uint8]:
    """A street-ish test image: grey road, coloured blocks, a few lines."""
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 96, np.uint8)
    image[: height // 3] = (170, 150, 120)
    for _ in range(8):
        w, h = int(rng.integers(40, 160)), int(rng.integers(30, 100))
        x, y = int(rng.integers(0, width - w)), int(rng.integers(height // 4, height - h))
        color = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(image, (x, y), (x + w, y + h), color, -1)
    for _ in range(4):
        p1 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        p2 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(image, p1, p2, (255, 255, 255), 3)
    return image


def build_test_model(folder: Path) -> BuiltModel:
    import torch
    import ultralytics
    from ultralytics import YOLO

    torch.manual_seed(0)
    coco = yaml.safe_load((Path(ultralytics.__file__).parent / "cfg/datasets/coco.yaml").read_text())["names"]
    model = YOLO("yolov8n.yaml")
    model.model.names = {int(k): str(v) for k, v in coco.items()}
    _calibrate_head(model.model, [k for k, v in coco.items() if v in ACTIVE_CLASSES])
    folder.mkdir(parents=True, exist_ok=True)
    pt = folder / "coco-test.pt"
    model.save(str(pt))
    onnx = Path(YOLO(str(pt)).export(format="onnx", imgsz=IMAGE_SIZE, dynamic=False, verbose=False))
    return BuiltModel(pt=pt, onnx=onnx, names=dict(model.model.names))


def _calibrate_head(net: object, active: list[int]) -> None:
    import torch

    detect = net.model[-1]  # type: ignore[attr-defined]
    captured: dict[int, torch.Tensor] = {}

    def grab(key: int):  # noqa: ANN202
        def hook(_module: object, inputs: tuple[torch.Tensor, ...], _out: object) -> None:
            captured[key] = inputs[0].detach()

        return hook

    convs = [branch[-1] for branch in detect.cv2] + [branch[-1] for branch in detect.cv3]
    from vision.detectors.letterbox import letterbox

    shots = [letterbox(scene(s), (IMAGE_SIZE, IMAGE_SIZE))[0] for s in (*range(4), 10, 11, 12, 13)]
    batch = np.stack(shots)[..., ::-1].transpose(0, 3, 1, 2)
    tensor = torch.from_numpy(batch.copy()).float() / 255
    for module in net.modules():  # type: ignore[attr-defined]
        if isinstance(module, torch.nn.BatchNorm2d):  # batch statistics keep activations at unit scale
            module.reset_running_stats()
            module.momentum = None
    net.train()  # type: ignore[attr-defined]
    with torch.no_grad():
        net(tensor)  # type: ignore[operator]
    handles = [conv.register_forward_hook(grab(i)) for i, conv in enumerate(convs)]
    net.eval()  # type: ignore[attr-defined]
    with torch.no_grad():
        net(tensor)  # type: ignore[operator]
    for handle in handles:
        handle.remove()
    levels = len(detect.cv2)
    with torch.no_grad():
        for i, conv in enumerate(convs):
            x = captured[i]
            y = torch.nn.functional.conv2d(x, conv.weight)  # (B, C_out, H, W), no bias
            mean = y.mean(dim=(0, 2, 3))
            std = y.std(dim=(0, 2, 3)).clamp_min(1e-12)
            is_class = i >= levels
            target_std = 1.0 if is_class else 1.5
            scale = target_std / std
            conv.weight.mul_(scale[:, None, None, None])
            conv.bias.copy_(-mean * scale)
            if is_class:
                offset = torch.full_like(conv.bias, -40.0)
                offset[active] = -4.5
                conv.bias.add_(offset)
