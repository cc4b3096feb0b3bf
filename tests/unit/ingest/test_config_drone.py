"""The `drone:` section of the cameras file: defaults, the shipped file, and errors that name the file,
line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import ConfigError, load_config, load_config_text
from vision.change.config import AERIAL_V2, DroneConfig, aerial_detector_config
from vision.detectors.config import OnnxDetectorConfig

REPO = Path(__file__).resolve().parents[3]

FILE = """\
detectors:
  street: {{type: onnx, weights: street.onnx}}
  aerial: {{type: onnx, weights: aerial.onnx, class_map: {{item: roof_structure}}, confidence: 0.6}}
drone:
  detector: {detector}
  timezone: {timezone}
  camera: {{hfov_deg: {hfov}}}
  frame_overlap: {overlap}
  min_area_coverage: 0.5
  min_area_m2: 2.0
  min_change: {change}
"""
GOOD = dict(detector="aerial", timezone="Asia/Urumqi", hfov=82, overlap=0.6, change=0.3)


def render(**overrides: object) -> str:
    return FILE.format(**{**GOOD, **overrides})


def test_drone_section_is_read_and_names_its_detector(tmp_path: Path) -> None:
    config = load_config_text(render(), source="c.yaml", base_dir=tmp_path)
    assert config.drone.timezone == "Asia/Urumqi"
    assert config.drone.camera.hfov_deg == 82
    assert (config.drone.frame_overlap, config.drone.min_change) == (0.6, 0.3)
    detector = config.drone_detector()
    assert isinstance(detector, OnnxDetectorConfig)
    assert detector.weights == tmp_path / "aerial.onnx"  # resolved like any detector's weights
    assert detector.confidence == 0.6


def test_without_a_drone_section_the_defaults_and_the_shipped_model_apply() -> None:
    config = load_config_text("cameras: []\n")
    assert config.drone == DroneConfig()
    assert config.drone_detector() == aerial_detector_config()
    assert config.drone_detector().weights == AERIAL_V2


def test_shipped_file_has_a_drone_section_equal_to_the_defaults() -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    assert config.drone == DroneConfig(detector="aerial")
    assert config.drone_detector() == aerial_detector_config()


@pytest.mark.parametrize(
    ("overrides", "field", "line", "expected"),
    [
        ({"detector": "nope"}, "drone.detector", 5, "drone detector 'nope' is not defined; defined: aerial, street"),
        ({"timezone": "Mars/Olympus"}, "drone.timezone", 6, "unknown IANA timezone 'Mars/Olympus'"),
        ({"hfov": 5}, "drone.camera.hfov_deg", 7, "greater than 10"),
        ({"overlap": 1.5}, "drone.frame_overlap", 8, "less than 0.98"),
        ({"change": "lots"}, "drone.min_change", 11, "valid number"),
    ],
)
def test_bad_drone_value_names_file_line_and_field(
    overrides: dict[str, object], field: str, line: int, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(render(**overrides), source="cams.yaml")
    (issue,) = caught.value.issues
    assert (issue.field, issue.line) == (field, line)
    assert expected in issue.message
    assert str(caught.value).startswith(f"cams.yaml:{line}: {field}: ")


def test_drone_detector_must_map_a_class_to_roof_structure() -> None:
    text = render(detector="street").replace(
        "weights: street.onnx}", "weights: street.onnx, class_map: {car: vehicle}}"
    )
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, source="cams.yaml")
    assert "cams.yaml:5: drone.detector: drone detector 'street' maps no model class to 'roof_structure'" in str(
        caught.value
    )


def test_unknown_drone_field_is_rejected_with_line() -> None:
    text = render().replace("  min_area_m2: 2.0\n", "  min_area_m2: 2.0\n  detector_confidence: 0.5\n")
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, source="cams.yaml")
    (issue,) = caught.value.issues
    assert (issue.field, issue.line) == ("drone.detector_confidence", 11)
    assert "unknown field" in issue.message
