"""INT8 post-training quantisation of an Ultralytics detector's ONNX export (ONNX Runtime, QDQ).

The backbone, the neck and the head's convolution branches run in INT8 (static, per-channel
weights, MinMax-calibrated activations). The head's decoding (DFL, sigmoid, anchor arithmetic and
the final concat) stays in float: box coordinates in pixels and class scores in 0..1 leave through
one tensor, and a single uint8 scale for both rounds every score to zero. The class-logit
convolutions stay in float too; in INT8 their output steps by about 0.37 in logit, so scores came
out in coarse steps (0.50, 0.59, 0.68, ...). Neither costs measurable time.

    PYTHONPATH=. python -m vision.quantize vision/models/street-v1/street-v1.onnx \
        vision/models/street-v1/street-v1-int8.onnx --count 64 --imgsz 640
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process

from vision.detectors.letterbox import model_input

# the last convolution of a class branch (`cv3.N.2`; `cv3.N.1` in `vision.two_head.SlimDetect`, whose
# `cv3.N.1` in other heads is a Conv block ending in `/conv/Conv`), or of either half of a split
# branch (`vision.head_transfer.SplitClassBranch`: `cv3.N/old/old.2`, `cv3.N/new/new.2`) and their concat
_CLASS_LOGITS = re.compile(
    r"/(one2one_)?cv3\.\d+/((one2one_)?cv3\.\d+|old/old|new/new)\.[12]/Conv$|/(one2one_)?cv3\.\d+/Concat$"
)
CALIBRATION_SEED0 = 1000  # inside the street training range (0..); never a validation or test seed


def float_head_nodes(model: onnx.ModelProto) -> list[str]:
    """Nodes of the detection head that stay in float: every node of the last module outside its
    convolution branches (`cv2`, `cv3`, `one2one_cv*` in Ultralytics exports), and the last
    convolution of each class branch (`cv3.N.2`; with split branches both halves' and their concat;
    with stacked heads, each head's)."""
    last = model.graph.node[-1].name
    parts = last.split("/")
    if len(parts) < 3 or not parts[1].startswith("model."):
        raise ValueError(f"not an Ultralytics export: last node {last!r} has no /model.N/ prefix")
    head = f"/{parts[1]}/"
    # stacked heads (`vision.two_head.StackedHeads`) nest each Detect one level down: coco/, new/
    branches = tuple(f"{head}{inner}{b}" for inner in ("", "coco/", "new/") for b in ("cv", "one2one_cv", "stem."))
    return [
        n.name
        for n in model.graph.node
        if n.name.startswith(head) and (not n.name.startswith(branches) or _CLASS_LOGITS.search(n.name))
    ]


def _fixed_shape(model: onnx.ModelProto) -> tuple[int, int] | None:
    dims = model.graph.input[0].type.tensor_type.shape.dim[2:4]
    if all(d.HasField("dim_value") for d in dims):
        return int(dims[0].dim_value), int(dims[1].dim_value)
    return None


class _Frames(CalibrationDataReader):
    """Calibration frames shaped as the detector will shape them: the model's fixed input size, or
    else the smallest stride-32 rectangle for `image_size`."""

    def __init__(
        self,
        input_name: str,
        images: Iterable[npt.NDArray[np.uint8]],
        fixed_shape: tuple[int, int] | None,
        image_size: int,
    ):
        self._input_name = input_name
        self._images = iter(images)
        self._fixed_shape = fixed_shape
        self._image_size = image_size

    def get_next(self) -> dict[str, npt.NDArray[np.float32]] | None:
        image = next(self._images, None)
        if image is None:
            return None
        return {self._input_name: model_input(image, self._fixed_shape, self._image_size)[0]}


def quantize_detector(
    source: Path, target: Path, images: Iterable[npt.NDArray[np.uint8]], image_size: int, *, reduce_range: bool = False
) -> Path:
    """Write an INT8 copy of the float ONNX detector `source` to `target`, calibrated on `images`
    (BGR frames as the pipeline sees them). Metadata (class names, stride) is kept. `reduce_range`:
    7-bit weights, so CPUs without VNNI (AVX2 only) cannot saturate ONNX Runtime's u8s8 products."""
    images = iter(images)
    first = next(images, None)
    if first is None:
        raise ValueError("no calibration images")
    images = itertools.chain([first], images)
    model = onnx.load(str(source))
    exclude = float_head_nodes(model)
    input_name = model.graph.input[0].name
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        frames = _Frames(input_name, images, _fixed_shape(model), image_size)
        quantize_static(
            str(prepared),
            str(target),
            frames,
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            nodes_to_exclude=exclude,
            reduce_range=reduce_range,
        )
    return target


def street_calibration_images(count: int, seed0: int = CALIBRATION_SEED0) -> Iterator[npt.NDArray[np.uint8]]:
    """Rendered street frames from the training seed range."""
    from vision.synth.street.dataset import render_sample

    for seed in range(seed0, seed0 + count):
        yield render_sample(seed)[0]


def vending_calibration_images(count: int, seed0: int = CALIBRATION_SEED0) -> Iterator[npt.NDArray[np.uint8]]:
    """Rendered street-trade frames (street-v3's dataset generator), outside its val and test seeds."""
    from vision.synth.street.vending_dataset import render_vending_sample

    for seed in range(seed0, seed0 + count):
        yield render_vending_sample(seed)[0]


def folder_images(folder: Path, count: int) -> Iterator[npt.NDArray[np.uint8]]:
    """Up to `count` photos from a folder (sorted by name), for calibrating on real frames."""
    import cv2

    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
    if not paths:
        raise ValueError(f"no .jpg/.png images in {folder}")
    step = max(1, len(paths) // count)
    for path in paths[::step][:count]:
        image = cv2.imread(str(path))
        if image is None:
            raise ValueError(f"calibration image {path} does not decode")
        yield np.asarray(image, dtype=np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="float ONNX export")
    parser.add_argument("target", type=Path, help="where the INT8 model goes")
    parser.add_argument("--count", type=int, default=64, help="calibration frames (street generator)")
    parser.add_argument("--imgsz", type=int, default=640, help="the image_size the detector will run at")
    parser.add_argument("--vending-count", type=int, default=0, help="street-trade calibration frames as well")
    parser.add_argument("--real-images", type=Path, help="a folder of real frames to calibrate on as well")
    parser.add_argument("--real-count", type=int, default=64, help="how many of those real frames")
    parser.add_argument("--reduce-range", action="store_true", help="7-bit weights (no u8s8 saturation on AVX2)")
    args = parser.parse_args()
    frames: Iterable[npt.NDArray[np.uint8]] = street_calibration_images(args.count)
    if args.vending_count:
        frames = itertools.chain(frames, vending_calibration_images(args.vending_count))
    if args.real_images:
        frames = itertools.chain(frames, folder_images(args.real_images, args.real_count))
    out = quantize_detector(args.source, args.target, frames, args.imgsz, reduce_range=args.reduce_range)
    sys.stdout.write(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)\n")


if __name__ == "__main__":
    main()
