"""The source policy alone: each rule, with the words its refusal uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings
from api.source_policy import SourcePolicy, SourceRefused, SourceUnresolved
from ingest.config import load_config_text


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "config": tmp_path / "configs" / "cameras.yaml",
        "database_url": f"sqlite:///{tmp_path / 'media' / 'enforce.db'}",
        "evidence_dir": tmp_path / "media" / "evidence",
        "upload_dir": tmp_path / "media" / "uploads",
        "signing_key": tmp_path / "media" / "keys" / "signing.key",
        "media_roots": [tmp_path / "media"],
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("relative", "words"),
    [
        ("media/evidence/records/x/original/01-arrival.png", "the evidence store"),
        ("media/evidence-spool/v.json", "the evidence spool"),
        ("media/uploads/f1/DJI_0001.MP4", "the upload folder"),
        ("media/keys/signing.key", "the signing-key folder"),
        ("media/enforce.db", "the database file"),
        ("elsewhere/clip.mp4", "must lie under a media root"),
    ],
)
def test_server_places_are_refused_even_under_a_media_root(tmp_path: Path, relative: str, words: str) -> None:
    policy = SourcePolicy.from_settings(_settings(tmp_path))
    with pytest.raises(SourceRefused, match=words):
        policy.check(f"file://{tmp_path / relative}")


def test_var_is_refused_wherever_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    policy = SourcePolicy.from_settings(_settings(tmp_path, media_roots=[tmp_path]))
    with pytest.raises(SourceRefused, match="the server's var/ folder"):
        policy.check("file:../var/enforce.db")  # relative to the cameras file's folder
    assert policy.check("file:../clip.mp4") == f"file:{tmp_path / 'clip.mp4'}"


def test_registry_files_are_allowed_by_name_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    yaml = load_config_text(
        "detectors:\n  street: {type: onnx, weights: m.onnx}\ncameras:\n  - id: cam-1\n    name: c\n"
        "    source: file:../footage/a.mp4\n"
        "    location: {lat: 1, lon: 1, address: a, grid_code: g, responsible_unit: u}\n",
        base_dir=tmp_path / "configs",
    )
    policy = SourcePolicy.from_settings(settings, yaml)
    assert policy.check(f"file:{tmp_path / 'footage' / 'a.mp4'}") == f"file:{tmp_path / 'footage' / 'a.mp4'}"
    with pytest.raises(SourceRefused, match="media root"):
        policy.check(f"file:{tmp_path / 'footage' / 'b.mp4'}")


def test_schemes_come_from_the_setting(tmp_path: Path) -> None:
    policy = SourcePolicy.from_settings(_settings(tmp_path, source_schemes=["rtsp"]))
    assert policy.check("rtsp://10.0.0.5/live") == "rtsp://10.0.0.5/live"
    with pytest.raises(SourceRefused, match=r"scheme 'file' is not allowed \(ENFORCE_SOURCE_SCHEMES: rtsp\)"):
        policy.check(f"file:{tmp_path / 'media' / 'a.mp4'}")


def test_networks_refused_unless_allowed(tmp_path: Path) -> None:
    strict = SourcePolicy.from_settings(_settings(tmp_path))
    open_ = SourcePolicy.from_settings(_settings(tmp_path, source_allowed_networks=["127.0.0.0/8", "fe80::/10"]))
    for source, words in (
        ("rtsp://127.0.0.2/x", "loopback"),
        ("http://[fe80::1]/x", "link-local"),
        ("http://2130706433/x", "loopback"),  # 127.0.0.1 written as one number
    ):
        with pytest.raises(SourceRefused, match=words):
            strict.check(source)
    assert open_.check("rtsp://127.0.0.2/x") == "rtsp://127.0.0.2/x"
    assert open_.check("http://[fe80::1]/x") == "http://[fe80::1]/x"
    assert strict.check("rtsp://10.0.0.5/live") == "rtsp://10.0.0.5/live"  # camera networks are private
    assert strict.check("device:0") == "device:0"


def test_an_unresolvable_host_passes_registration_but_not_a_snapshot(tmp_path: Path) -> None:
    policy = SourcePolicy.from_settings(_settings(tmp_path))
    source = "rtsp://cam.invalid/live"
    assert policy.check(source, require_resolution=False) == source
    with pytest.raises(SourceUnresolved, match="does not resolve"):
        policy.check(source)


def test_list_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENFORCE_MEDIA_ROOTS", "/srv/media, /data/footage")
    monkeypatch.setenv("ENFORCE_SOURCE_ALLOWED_NETWORKS", '["127.0.0.1/32"]')
    monkeypatch.setenv("ENFORCE_SOURCE_SCHEMES", "rtsp,rtsps")
    settings = Settings()
    assert settings.media_roots == [Path("/srv/media"), Path("/data/footage")]
    assert [str(n) for n in settings.source_allowed_networks] == ["127.0.0.1/32"]
    assert settings.source_schemes == ["rtsp", "rtsps"]
    monkeypatch.setenv("ENFORCE_SOURCE_SCHEMES", "gopher")
    with pytest.raises(ValueError, match="source_schemes"):
        Settings()


def test_workers_start_only_for_allowed_sources(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from api.pipeline.runtime import allowed_cameras
    from ingest.config import CameraConfig

    location = {"lat": 1, "lon": 1, "address": "a", "grid_code": "g", "responsible_unit": "u"}
    good = CameraConfig(id="cam-good", name="g", source="file:../media/a.mp4", location=location)  # type: ignore[arg-type]
    bad = CameraConfig(id="cam-bad", name="b", source=f"file:{tmp_path / 'media' / 'keys' / 'k'}",
                       location=location)  # type: ignore[arg-type]
    policy = SourcePolicy.from_settings(_settings(tmp_path))
    started = allowed_cameras(policy, [good, bad])
    assert [(c.id, c.source) for c in started] == [("cam-good", f"file:{tmp_path / 'media' / 'a.mp4'}")]
    assert "camera cam-bad not started: source refused by the source policy" in caplog.text
