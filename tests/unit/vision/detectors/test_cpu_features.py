"""Which INT8 file a detector runs: the full 8-bit copy only where the CPU has VNNI (or AMX)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import onnx
import pytest

from tests.support.yolo_test_model import IMAGE_SIZE, BuiltModel
from vision.detectors import build_detector
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.cpu_features import OVERRIDE_ENV, cpu_has_vnni, cpuinfo_flags, has_vnni_flags

X86_VNNI = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse avx2 avx512f avx512_vnni\n\nprocessor\t: 1\n"
X86_AVX2 = "processor\t: 0\nflags\t\t: fpu sse avx2 fma\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd asimddp\n"


def test_flags_are_read_from_cpuinfo() -> None:
    assert cpuinfo_flags(X86_VNNI) == {"fpu", "sse", "avx2", "avx512f", "avx512_vnni"}
    assert cpuinfo_flags(ARM) == {"fp", "asimd", "asimddp"}
    assert cpuinfo_flags("") == frozenset()


@pytest.mark.parametrize(
    ("text", "vnni"), [(X86_VNNI, True), (X86_AVX2, False), (ARM, False), ("flags : avx_vnni\n", True),
                       ("flags : amx_int8 amx_tile\n", True)],
)
def test_vnni_flags(text: str, vnni: bool) -> None:
    assert has_vnni_flags(cpuinfo_flags(text)) is vnni


def test_cpuinfo_file_decides_unless_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OVERRIDE_ENV, raising=False)
    with_vnni, without = tmp_path / "vnni", tmp_path / "avx2"
    with_vnni.write_text(X86_VNNI)
    without.write_text(X86_AVX2)
    assert cpu_has_vnni(with_vnni) is True
    assert cpu_has_vnni(without) is False
    assert cpu_has_vnni(tmp_path / "no-such-file") is False  # not Linux: 7-bit weights, right everywhere
    monkeypatch.setenv(OVERRIDE_ENV, "0")
    assert cpu_has_vnni(with_vnni) is False
    monkeypatch.setenv(OVERRIDE_ENV, "1")
    assert cpu_has_vnni(without) is True
    monkeypatch.setenv(OVERRIDE_ENV, "yes")
    with pytest.raises(ValueError, match=f"{OVERRIDE_ENV} must be 1 or 0, not 'yes'"):
        cpu_has_vnni(without)


def test_runtime_weights_pick_the_vnni_copy_only_where_the_cpu_has_vnni(tmp_path: Path) -> None:
    plain = OnnxDetectorConfig(type="onnx", weights=tmp_path / "m-int8.onnx")
    split = plain.model_copy(update={"weights_vnni": tmp_path / "m-int8-vnni.onnx"})
    assert plain.runtime_weights(vnni=True) == plain.runtime_weights(vnni=False) == tmp_path / "m-int8.onnx"
    assert split.runtime_weights(vnni=True) == tmp_path / "m-int8-vnni.onnx"
    assert split.runtime_weights(vnni=False) == tmp_path / "m-int8.onnx"


def test_detector_runs_the_file_the_cpu_calls_for(
    coco_test_model: BuiltModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built through the factory, the detector loads (and reports the sha256 of) the chosen file."""
    model = onnx.load(str(coco_test_model.onnx))
    onnx.helper.set_model_props(model, {**{p.key: p.value for p in model.metadata_props}, "variant": "vnni"})
    vnni_copy = tmp_path / "coco-test-vnni.onnx"
    onnx.save(model, str(vnni_copy))
    config = OnnxDetectorConfig(
        type="onnx", weights=coco_test_model.onnx, weights_vnni=vnni_copy, image_size=IMAGE_SIZE
    )
    digests = {}
    for flag in ("1", "0"):
        monkeypatch.setenv(OVERRIDE_ENV, flag)
        detector = build_detector(config)
        digests[flag] = (detector.model_name, detector.weights_sha256)
    assert digests["1"] == ("coco-test-vnni", hashlib.sha256(vnni_copy.read_bytes()).hexdigest())
    assert digests["0"] == ("coco-test", hashlib.sha256(coco_test_model.onnx.read_bytes()).hexdigest())
