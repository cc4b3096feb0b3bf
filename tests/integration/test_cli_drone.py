"""`enforce drone eval` reads the cameras file's `drone:` section and runs the detector it names."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import run_cli

REPO = Path(__file__).resolve().parents[2]


def test_drone_eval_refuses_a_bad_drone_section_naming_file_line_and_field(tmp_path: Path) -> None:
    config = tmp_path / "cams.yaml"
    config.write_text("cameras: []\ndrone:\n  min_area_m2: -1\n")
    result = run_cli("drone", "eval", "--pairs", "0", "--work-dir", str(tmp_path), env={"ENFORCE_CONFIG": str(config)})
    assert result.returncode == 2
    assert f"{config}:3: drone.min_area_m2: Input should be greater than or equal to 0" in result.stderr


def test_drone_eval_runs_the_detector_the_section_names(tmp_path: Path) -> None:
    config = tmp_path / "cams.yaml"
    config.write_text(
        "detectors:\n"
        "  other: {type: onnx, weights: missing.onnx, class_map: {item: roof_structure}}\n"
        "drone: {detector: other}\n"
    )
    result = run_cli("drone", "eval", "--pairs", "0", "--work-dir", str(tmp_path), env={"ENFORCE_CONFIG": str(config)})
    assert result.returncode == 2
    assert f"detector weights '{tmp_path / 'missing.onnx'}' not found" in result.stderr
    shipped = run_cli("drone", "eval", "--pairs", "0", "--work-dir", str(tmp_path))  # configs/cameras.yaml
    assert shipped.returncode == 0, shipped.stderr
    assert "pairs 0:" in shipped.stdout
