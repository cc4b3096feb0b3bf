"""Convert the LPRNet recogniser (sirius-ai/LPRNet_Pytorch, Apache-2.0) from its PyTorch state dict
to the ONNX file the product ships (`vision/models/plates/lprnet.onnx`). Run once, where torch is
installed; the product reads the ONNX with onnxruntime and needs no torch.

    python scripts/export_lprnet_onnx.py ../shared/realdata/weights/plates/lprnet/Final_LPRNet_model.pth

The network below is LPRNet_Pytorch's `model/LPRNet.py` (68 classes, 8 characters at most), written
out again so the state dict's tensor names load unchanged. The batch dimension is dynamic: the reader
scores several views of one plate in one call.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import torch
from torch import nn

CLASSES = 68
OUT = Path(__file__).resolve().parents[1] / "vision" / "models" / "plates" / "lprnet.onnx"


class SmallBasicBlock(nn.Module):
    def __init__(self, ch_in: int, ch_out: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(ch_in, ch_out // 4, kernel_size=1),
            nn.ReLU(),
            nn.Conv2d(ch_out // 4, ch_out // 4, kernel_size=(3, 1), padding=(1, 0)),
            nn.ReLU(),
            nn.Conv2d(ch_out // 4, ch_out // 4, kernel_size=(1, 3), padding=(0, 1)),
            nn.ReLU(),
            nn.Conv2d(ch_out // 4, ch_out, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)  # type: ignore[no-any-return]


class ChannelPool(nn.Module):
    """LPRNet's MaxPool3d over (channel, height, width) of a 4-D tensor, batch kept apart."""

    def __init__(self, stride: tuple[int, int, int]):
        super().__init__()
        self.pool = nn.MaxPool3d(kernel_size=(1, 3, 3), stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x.unsqueeze(1)).squeeze(1)  # type: ignore[no-any-return]


class LPRNet(nn.Module):
    def __init__(self, class_num: int = CLASSES):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, stride=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            ChannelPool((1, 1, 1)),
            SmallBasicBlock(64, 128),
            nn.BatchNorm2d(128),
            nn.ReLU(),
            ChannelPool((2, 1, 2)),
            SmallBasicBlock(64, 256),
            nn.BatchNorm2d(256),
            nn.ReLU(),
            SmallBasicBlock(256, 256),
            nn.BatchNorm2d(256),
            nn.ReLU(),
            ChannelPool((4, 1, 2)),
            nn.Dropout(0.0),
            nn.Conv2d(64, 256, kernel_size=(1, 4), stride=1),
            nn.BatchNorm2d(256),
            nn.ReLU(),
            nn.Dropout(0.0),
            nn.Conv2d(256, class_num, kernel_size=(13, 1), stride=1),
            nn.BatchNorm2d(class_num),
            nn.ReLU(),
        )
        self.container = nn.Sequential(nn.Conv2d(448 + class_num, class_num, kernel_size=(1, 1), stride=(1, 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kept = []
        for i, layer in enumerate(self.backbone.children()):
            x = layer(x)
            if i in (2, 6, 13, 22):
                kept.append(x)
        context = []
        for i, f in enumerate(kept):
            if i in (0, 1):
                f = nn.functional.avg_pool2d(f, kernel_size=5, stride=5)
            if i == 2:
                f = nn.functional.avg_pool2d(f, kernel_size=(4, 10), stride=(4, 2))
            # the original divides by the mean over the whole batch; per sample is the same for one plate
            f = f / torch.mean(f.pow(2), dim=(1, 2, 3), keepdim=True)
            context.append(f)
        x = self.container(torch.cat(context, 1))
        return torch.mean(x, dim=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="Final_LPRNet_model.pth")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    model = LPRNet()
    state = torch.load(args.weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    model.eval()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        (torch.zeros(1, 3, 24, 94),),
        str(args.out),
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    print(f"wrote {args.out} sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()}")  # noqa: T201


if __name__ == "__main__":
    main()
