"""INT8 quantisation: which nodes stay float, and the INT8 models' detections against the float ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from domain.types import Detections
from tests.support.detections import unmatched
from tests.support.yolo_test_model import IMAGE_SIZE, BuiltModel, scene
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.onnx_backend import OnnxDetector
from vision.quantize import float_head_nodes, quantize_detector

MODELS = Path(__file__).resolve().parents[4] / "vision" / "models"


def _confident(found: Detections, threshold: float) -> Detections:
    keep = found.scores >= threshold
    labels = tuple(label for label, kept in zip(found.labels, keep, strict=True) if kept)
    return Detections(found.boxes[keep], found.scores[keep], labels)


def _agreement(a: OnnxDetector, b: OnnxDetector, images: list[np.ndarray], threshold: float) -> tuple[int, int]:
    """(confident detections of either model, those without a close same-label box in the other)."""
    total = missed = 0
    for image in images:
        x, y = a.detect(image), b.detect(image)
        for one, other in ((x, y), (y, x)):
            confident = _confident(one, threshold)
            total += len(confident)
            missed += len(unmatched(confident, other, min_iou=0.8, score_tol=0.15))
    return total, missed


def test_head_decoding_and_class_logits_stay_float(coco_test_model: BuiltModel) -> None:
    model = onnx.load(str(coco_test_model.onnx))
    kept_float = set(float_head_nodes(model))
    ops = {n.name: n.op_type for n in model.graph.node}
    assert any("/dfl/" in name for name in kept_float)
    assert model.graph.node[-1].name in kept_float  # the concat of boxes and scores
    assert {"Sigmoid", "Concat", "Softmax"} <= {ops[name] for name in kept_float}
    class_logits = {name for name in ops if name.endswith("/Conv") and "/cv3." in name and ".2/Conv" in name}
    assert class_logits and class_logits <= kept_float
    quantised_convs = {name for name, op in ops.items() if op == "Conv"} - kept_float
    assert any("/cv2." in name for name in quantised_convs)  # box branches and backbone are INT8
    assert any(name.startswith("/model.0/") for name in quantised_convs)


def test_split_class_branches_export_and_their_logits_stay_float(coco_test_model: BuiltModel, tmp_path) -> None:  # noqa: ANN001
    from ultralytics import YOLO

    from vision.dequantize import save_checkpoint
    from vision.head_transfer import split_class_branches
    from vision.training import export_onnx

    source: Any = YOLO(str(coco_test_model.pt)).model
    split = split_class_branches(source.float(), "stall")
    weights = save_checkpoint(split, tmp_path / "split.pt", source="test")  # YOLO() unpickles the new module
    model = onnx.load(str(export_onnx(weights, IMAGE_SIZE)))
    kept_float = set(float_head_nodes(model))
    ops = {n.name: n.op_type for n in model.graph.node}
    halves = {name for name in ops if name.endswith(("/old/old.2/Conv", "/new/new.2/Conv"))}
    concats = {name for name, op in ops.items() if op == "Concat" and "/cv3." in name}
    assert len(halves) == 6 and len(concats) == 3 and halves | concats <= kept_float
    assert any("/new/new.0/" in name and op == "Conv" for name, op in ops.items() if name not in kept_float)


def test_a_graph_that_is_not_an_ultralytics_export_is_refused() -> None:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 8, 8])],
    )
    with pytest.raises(ValueError, match="not an Ultralytics export"):
        float_head_nodes(helper.make_model(graph))


@pytest.mark.slow
def test_quantised_model_keeps_its_class_names_and_fixed_input_size(coco_test_model: BuiltModel, tmp_path) -> None:  # noqa: ANN001
    """The test model's random backbone is too fragile for INT8 to agree with float (agreement is
    checked on the shipped street model below); here the export must stay loadable and named."""
    target = quantize_detector(
        coco_test_model.onnx, tmp_path / "int8.onnx", (scene(seed) for seed in range(40, 56)), IMAGE_SIZE
    )
    assert target.stat().st_size < coco_test_model.onnx.stat().st_size / 2
    quantised = onnx.load(str(target))
    assert {n.op_type for n in quantised.graph.node} >= {"QuantizeLinear", "DequantizeLinear"}
    float_model = OnnxDetector(OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, image_size=IMAGE_SIZE))
    int8_model = OnnxDetector(OnnxDetectorConfig(type="onnx", weights=target, image_size=IMAGE_SIZE))
    assert int8_model.labels == float_model.labels  # class names travel in the metadata
    original = onnx.load(str(coco_test_model.onnx))
    dims = [[d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim] for m in (quantised, original)]
    assert dims[0] == dims[1] == [1, 3, IMAGE_SIZE, IMAGE_SIZE]  # calibrated at the model's fixed size
    int8_model.detect(scene(11))  # a 640x400 frame letterboxed to the fixed input runs


def test_quantising_without_calibration_images_is_an_error(coco_test_model: BuiltModel, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="no calibration images"):
        quantize_detector(coco_test_model.onnx, tmp_path / "int8.onnx", iter(()), IMAGE_SIZE)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["street-v1", "street-v2", "street-v3"])
def test_shipped_int8_street_model_agrees_with_the_float_one_on_held_out_frames(name: str) -> None:
    from vision.synth.street.dataset import TEST_SEED0, render_sample

    float_model = OnnxDetector(OnnxDetectorConfig(type="onnx", weights=MODELS / name / f"{name}.onnx", image_size=640))
    int8_weights = MODELS / name / f"{name}-int8.onnx"
    int8_model = OnnxDetector(OnnxDetectorConfig(type="onnx", weights=int8_weights, image_size=640))
    images = [render_sample(TEST_SEED0 + 900 + i)[0] for i in range(8)]
    total, missed = _agreement(float_model, int8_model, images, 0.7)
    assert total >= 40
    assert missed <= total // 20, f"{missed} of {total} confident detections differ"
