"""The OpenVINO backend: an IR converted from the test model's ONNX gives the ONNX backend's
detections; an IR is read as a .xml file or an export folder; a bad IR is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import openvino as ov
import pytest
import yaml

from tests.support.detections import unmatched
from tests.support.yolo_test_model import COCO_STREET_MAP, IMAGE_SIZE, BuiltModel, scene
from vision.detectors import DetectorError, build_detector
from vision.detectors.config import OnnxDetectorConfig, OpenVinoDetectorConfig

SCENES = (11, 12, 13)


@pytest.fixture(scope="module")
def ir_folder(coco_test_model: BuiltModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Ultralytics-style `*_openvino_model/` folder: the ONNX converted to IR, plus metadata.yaml."""
    folder = tmp_path_factory.mktemp("ir") / "coco-test_openvino_model"
    folder.mkdir()
    ov.save_model(ov.convert_model(str(coco_test_model.onnx)), str(folder / "coco-test.xml"), compress_to_fp16=False)
    names = {int(k): v for k, v in coco_test_model.names.items()}
    (folder / "metadata.yaml").write_text(yaml.safe_dump({"names": names, "imgsz": [IMAGE_SIZE, IMAGE_SIZE]}))
    return folder


def test_openvino_gives_the_onnx_backends_detections(coco_test_model: BuiltModel, ir_folder: Path) -> None:
    common = {"image_size": IMAGE_SIZE, "class_map": COCO_STREET_MAP}
    onnx = build_detector(OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, **common))
    for weights in (ir_folder, ir_folder / "coco-test.xml"):
        vino = build_detector(OpenVinoDetectorConfig(type="openvino", weights=weights, threads=1, **common))
        assert vino.detector_type == "openvino" and vino.labels == ("person", "truck", "vehicle")
        total = 0
        for seed in SCENES:
            a, b = onnx.detect(scene(seed)), vino.detect(scene(seed))
            assert unmatched(a, b) == [], f"{weights.name} scene {seed}"
            assert unmatched(b, a) == [], f"{weights.name} scene {seed}"
            total += len(a)
        assert total >= 3  # the model really outputs boxes, so the comparison means something


def test_folder_and_xml_identity_differ_only_in_what_they_hash(ir_folder: Path) -> None:
    folder = build_detector(OpenVinoDetectorConfig(type="openvino", weights=ir_folder))
    xml = build_detector(OpenVinoDetectorConfig(type="openvino", weights=ir_folder / "coco-test.xml"))
    assert (folder.model_name, xml.model_name) == ("coco-test_openvino_model", "coco-test")
    assert len(folder.weights_sha256) == len(xml.weights_sha256) == 64
    assert folder.weights_sha256 != xml.weights_sha256  # the folder's hash covers metadata.yaml too


def _strip_names(folder: Path) -> None:
    """No metadata.yaml and no `names` in the IR's own metadata."""
    (folder / "metadata.yaml").unlink()
    xml = folder / "coco-test.xml"
    lines = xml.read_text().splitlines(keepends=True)
    xml.write_text("".join(line for line in lines if "<names value=" not in line))


def test_an_ir_without_metadata_yaml_takes_names_from_its_own_metadata(ir_folder: Path, tmp_path: Path) -> None:
    shutil.copy(ir_folder / "coco-test.xml", tmp_path / "coco-test.xml")
    shutil.copy(ir_folder / "coco-test.bin", tmp_path / "coco-test.bin")
    detector = build_detector(
        OpenVinoDetectorConfig(type="openvino", weights=tmp_path / "coco-test.xml", class_map=COCO_STREET_MAP)
    )
    assert detector.labels == ("person", "truck", "vehicle")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "coco-test.bin").unlink(), "no 'coco-test.bin' beside it"),
        (lambda f: _strip_names(f), "has no class names"),
        (lambda f: (f / "coco-test.bin").write_bytes(b"\0" * 64), "cannot load OpenVINO model"),
    ],
)
def test_bad_ir_is_named(ir_folder: Path, tmp_path: Path, damage, message: str) -> None:  # noqa: ANN001
    copy = tmp_path / "copy"
    shutil.copytree(ir_folder, copy)
    damage(copy)
    with pytest.raises(DetectorError, match=message):
        build_detector(OpenVinoDetectorConfig(type="openvino", weights=copy / "coco-test.xml"))


def test_weights_that_are_not_an_ir_are_named(coco_test_model: BuiltModel) -> None:
    with pytest.raises(DetectorError, match="must be an IR .xml"):
        build_detector(OpenVinoDetectorConfig(type="openvino", weights=coco_test_model.onnx))
