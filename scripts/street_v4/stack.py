"""street-v4's shipped files: the kit's COCO YOLOv8n (dequantised, FP32) with its own head, plus the
trained new-class head, stacked into one ONNX model and two INT8 copies (7-bit weights for every CPU,
full 8-bit weights `-int8-vnni` for CPUs with VNNI), each also as an OpenVINO IR folder.

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/stack.py \
        --ir ../shared/realdata/weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml \
        --head var/v4head-w32.pt --out vision/models/street-v4 \
        --real-images var/device/street_real/train/images
    # or re-quantise an existing stacked file: --onnx vision/models/street-v4/street-v4.onnx
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from vision.dequantize import dequantize_to_ultralytics
from vision.quantize import folder_images, quantize_detector, street_calibration_images
from vision.two_head import export_stacked_onnx, stack_heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ir", type=Path, help="the kit's COCO YOLOv8n INT8 IR (.xml)")
    parser.add_argument("--head", type=Path, help="trained new-class model")
    parser.add_argument("--onnx", type=Path, help="quantise this stacked FP32 file instead of stacking anew")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", default="street-v4")
    parser.add_argument("--real-images", type=Path, required=True, help="real frames to calibrate INT8 on")
    parser.add_argument("--count", type=int, default=64, help="synthetic and real calibration frames, each")
    parser.add_argument("--fp32-only", action="store_true", help="write the FP32 ONNX file alone (to compare heads)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.onnx is not None:
        fp32 = args.onnx
    elif args.ir is not None and args.head is not None:
        coco = dequantize_to_ultralytics(args.ir).float().eval()
        checkpoint = torch.load(args.head, weights_only=False)
        trained = (checkpoint.get("ema") or checkpoint["model"]).float().eval()
        fp32 = export_stacked_onnx(stack_heads(coco, trained), args.out / f"{args.name}.onnx")
    else:
        parser.error("give --onnx, or --ir and --head")
    written = [fp32]
    if not args.fp32_only:
        # rendered once for both copies
        frames = [*street_calibration_images(args.count), *folder_images(args.real_images, args.count)]
        # 7-bit weights (reduce_range) run right on every x86 CPU; full 8-bit weights saturate without
        # VNNI, so they ship as the `-vnni` copy that `weights_vnni` picks where the CPU has it
        for suffix, reduce_range in (("int8", True), ("int8-vnni", False)):
            target = args.out / f"{args.name}-{suffix}.onnx"
            int8 = quantize_detector(fp32, target, frames, 640, reduce_range=reduce_range)
            folder = onnx_to_openvino(int8, args.out / f"{args.name}-{suffix}_openvino_model")
            written += [int8, *sorted(folder.iterdir())]
    for path in written:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


def onnx_to_openvino(source: Path, folder: Path) -> Path:
    """The INT8 ONNX file as an OpenVINO IR folder (`.xml`, `.bin`, Ultralytics-style
    `metadata.yaml` with the class names), which OpenVINO Runtime runs faster on this CPU."""
    import ast

    import onnx
    import openvino as ov
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov.convert_model(str(source)), str(folder / f"{source.stem}.xml"), compress_to_fp16=False)
    meta = {p.key: p.value for p in onnx.load(str(source)).metadata_props}
    metadata = {"names": ast.literal_eval(meta["names"]), "stride": int(meta["stride"]), "task": "detect"}
    (folder / "metadata.yaml").write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False))
    return folder


if __name__ == "__main__":
    main()
