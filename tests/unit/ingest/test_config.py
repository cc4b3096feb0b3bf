"""Config validation: every bad case names its field (and line), good files load."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import ConfigError, load_config, load_config_text
from vision.violations.parking import NoParkingZone

REPO = Path(__file__).resolve().parents[3]

CAMERA = """\
detectors:
  street: {{type: onnx, weights: m.onnx}}
cameras:
  - id: {id}
    name: test camera
    source: {source}
    timezone: {timezone}
    analysis_fps: {fps}
    location: {{lat: 30.1, lon: 120.2, address: somewhere, grid_code: "3301", responsible_unit: unit}}
    detectors: [{detector}]
    zones:
      - name: z1
        kind: {kind}
        polygon: {polygon}
        dwell_seconds: {dwell}
        active_hours: [{hours}]
"""
GOOD = dict(
    id="cam-1", source="rtsp://user:pw@10.0.0.5:554/live", timezone="Asia/Shanghai", fps=2,
    detector="street", kind="no_parking", polygon="[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]", dwell=60,
    hours='"07:00-19:00"',
)


def render(**overrides: object) -> str:
    return CAMERA.format(**{**GOOD, **overrides})


def test_good_camera_loads() -> None:
    config = load_config_text(render())
    zone = config.cameras[0].zones[0]
    assert isinstance(zone, NoParkingZone)
    assert zone.dwell_seconds == 60
    assert zone.contains(0.8, 0.2) and not zone.contains(0.2, 0.8)


def test_shipped_registry_is_valid() -> None:
    config = load_config(REPO / "configs" / "cameras.yaml")
    assert {c.id for c in config.cameras} >= {"demo-parking", "demo-worksite", "demo-barbecue"}
    kinds = {z.kind for c in config.cameras for z in c.zones}
    assert kinds == {"no_parking", "worksite_exit", "barbecue_watch"}


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"polygon": "[[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]]"}, "cameras[0].zones[0].polygon",
         "self-intersecting"),
        ({"polygon": "[[0.1, 0.1], [1.5, 0.1], [0.9, 0.9]]"}, "cameras[0].zones[0].polygon",
         "outside the normalised image"),
        ({"polygon": "[[0.1, 0.1], [0.9, 0.1]]"}, "cameras[0].zones[0].polygon", "at least 3"),
        ({"kind": "no_parkin"}, "cameras[0].zones[0].kind", "expected one of 'no_parking'"),
        ({"dwell": 0}, "cameras[0].zones[0].dwell_seconds", "greater than 0"),
        ({"dwell": -5}, "cameras[0].zones[0].dwell_seconds", "greater than 0"),
        ({"source": "ftp://host/x"}, "cameras[0].source", "expected one of rtsp"),
        ({"source": "rtsp://"}, "cameras[0].source", "has no host"),
        ({"source": "rtsp://host:port/x"}, "cameras[0].source", "invalid port"),
        ({"id": "Bad_Id"}, "cameras[0].id", "should match pattern"),
        ({"timezone": "Mars/Olympus"}, "cameras[0].timezone", "unknown IANA timezone"),
        ({"fps": 0}, "cameras[0].analysis_fps", "greater than 0"),
        ({"detector": "nope"}, "cameras[0].detectors[0]", "uses detector 'nope'"),
        ({"hours": '"25:00-26:00"'}, "cameras[0].zones[0].active_hours", "impossible time"),
        ({"hours": '"morning"'}, "cameras[0].zones[0].active_hours", "HH:MM-HH:MM"),
    ],
)
def test_bad_camera_names_field(overrides: dict[str, object], field: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(render(**overrides), source="cams.yaml")
    issues = caught.value.issues
    assert any(i.field == field and expected in i.message for i in issues), issues
    assert str(caught.value).startswith("cams.yaml:")


def test_duplicate_camera_ids() -> None:
    text = render() + render().split("cameras:\n", 1)[1]
    with pytest.raises(ConfigError) as caught:
        load_config_text(text)
    assert "camera id 'cam-1' is used twice" in str(caught.value)


def test_duplicate_zone_names() -> None:
    text = render() + "      - {name: z1, kind: barbecue_watch, persistence_seconds: 5, " \
        "polygon: [[0, 0], [1, 0], [1, 1]]}\n"
    with pytest.raises(ConfigError) as caught:
        load_config_text(text)
    assert "zone name 'z1' is used twice" in str(caught.value)


def test_unknown_field_is_rejected_with_line() -> None:
    text = render().replace("    name: test camera\n", "    name: test camera\n    nmae: typo\n")
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, source="c.yaml")
    (issue,) = caught.value.issues
    assert issue.field == "cameras[0].nmae"
    assert issue.line == 6
    assert "unknown field" in issue.message


def test_error_points_at_yaml_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(render(dwell=0), source="c.yaml")
    (issue,) = caught.value.issues
    assert issue.line == 15  # the 'dwell_seconds: 0' line


def test_worksite_k_of_n_checked() -> None:
    params = "exit_direction: down\n        min_evidence_frames: 5\n        evidence_window_frames: 3"
    text = render(kind="worksite_exit").replace("dwell_seconds: 60", params)
    with pytest.raises(ConfigError) as caught:
        load_config_text(text)
    assert "min_evidence_frames must not exceed evidence_window_frames" in str(caught.value)


def test_invalid_yaml_reports_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text("cameras:\n  - id: [unclosed\n", source="c.yaml")
    assert "not valid YAML" in str(caught.value)
    assert caught.value.issues[0].line is not None


def test_credentials_never_in_error_text() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(render(source="ftp://admin:hunter2@host/x"))
    assert "hunter2" not in str(caught.value)


def test_missing_file_is_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert "cannot read" in str(caught.value)


def test_relative_paths_resolve_against_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "cams.yaml"
    path.write_text(render(source="file:footage/a.mp4"))
    config = load_config(path)
    assert config.cameras[0].source == f"file:{tmp_path / 'footage' / 'a.mp4'}"
    assert config.detectors["street"].weights == tmp_path / "m.onnx"
    assert config.detectors["street"].weights_vnni is None
    path.write_text(render().replace("weights: m.onnx}", "weights: m.onnx, weights_vnni: int8/m-vnni.onnx}"))
    assert load_config(path).detectors["street"].weights_vnni == tmp_path / "int8" / "m-vnni.onnx"


def test_plates_section() -> None:
    assert load_config_text(render()).plates.engine_for("cam-1") == "lprnet"  # the default
    text = render() + "plates:\n  engine: rapidocr\n  intel_model: ir/lpr.xml\n  camera_engines: {cam-1: lprnet}\n"
    plates = load_config_text(text, base_dir=Path("/cfg")).plates
    assert (plates.engine_for("cam-1"), plates.engine_for("other")) == ("lprnet", "rapidocr")
    assert plates.intel_model == Path("/cfg/ir/lpr.xml")
    shipped = load_config(REPO / "configs" / "cameras.yaml").plates
    assert shipped.engine == "lprnet" and shipped.engine_for("demo-parking") == "rapidocr"


def test_bad_plate_engine_names_field() -> None:
    with pytest.raises(ConfigError, match="plates.engine"):
        load_config_text(render() + "plates:\n  engine: tesseract\n", source="cams.yaml")
