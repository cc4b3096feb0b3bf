"""The `enforce` command as an operator runs it: a real process, real port, real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
ENFORCE = [sys.executable, "-m", "api.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ENFORCE, *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_config_check_ok() -> None:
    result = run_cli("config", "check", "configs/cameras.yaml")
    assert result.returncode == 0, result.stderr
    assert "ok (3 cameras" in result.stdout


def test_config_check_names_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cameras:\n  - id: x1\n    name: a\n    source: rtsp://h/x\n    analysis_fps: -1\n"
                   "    location: {lat: 1, lon: 1, address: a, grid_code: g, responsible_unit: u}\n"
                   "    detectors: []\n")
    result = run_cli("config", "check", str(bad))
    assert result.returncode == 2
    assert f"{bad}:5: cameras[0].analysis_fps: Input should be greater than 0" in result.stderr
    assert "cameras[0].detectors" in result.stderr


def test_db_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'enforce.db'}"
    result = run_cli("db", "upgrade", env={"ENFORCE_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sub" / "enforce.db").exists()


@pytest.mark.slow
def test_serve_binds_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ENFORCE_DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}",
           "ENFORCE_EVIDENCE_DIR": str(tmp_path / "ev")}
    proc = subprocess.Popen([*ENFORCE, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read() if proc.stdout else ""
                    raise AssertionError(f"server did not come up: {output}") from None
                time.sleep(0.3)
        assert health.json()["database"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/cameras", timeout=5).status_code == 401
        created = subprocess.run([*ENFORCE, "user", "create", "boss", "--password-stdin"], cwd=REPO, env=env,
                                 input="a-long-secret-1\n", capture_output=True, text=True, timeout=120)
        assert created.returncode == 0, created.stderr
        login = httpx.post(f"http://127.0.0.1:{port}/auth/login", timeout=5,
                           json={"username": "boss", "password": "a-long-secret-1"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        cameras = httpx.get(f"http://127.0.0.1:{port}/cameras", timeout=5, headers=headers).json()
        assert [c["id"] for c in cameras] == ["demo-barbecue", "demo-parking", "demo-worksite"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_user_create_needs_a_password_and_never_defaults(tmp_path: Path) -> None:
    env = {"ENFORCE_DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}", "ENFORCE_NEW_USER_PASSWORD": ""}
    no_password = subprocess.run([*ENFORCE, "user", "create", "boss"], capture_output=True, text=True,
                                 cwd=REPO, env={**os.environ, **env}, stdin=subprocess.DEVNULL, timeout=120)
    assert no_password.returncode == 2 and "no password" in no_password.stderr
    short = run_cli("user", "create", "boss", env={**env, "ENFORCE_NEW_USER_PASSWORD": "short"})
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    good = {**env, "ENFORCE_NEW_USER_PASSWORD": "a-long-secret-1"}
    ok = run_cli("user", "create", "boss", "--role", "admin", env=good)
    assert ok.returncode == 0 and "created admin 'boss'" in ok.stdout
    again = run_cli("user", "create", "boss", env=good)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad_role = run_cli("user", "create", "x", "--role", "king", env=good)
    assert bad_role.returncode == 2 and "unknown role" in bad_role.stderr


@pytest.mark.slow
def test_run_starts_pipeline_bootstraps_admin_and_stops_on_sigterm(tmp_path: Path) -> None:
    """`enforce run` as `make run` starts it: shipped config, demo cameras, first-start admin."""
    port = free_port()
    env = {**os.environ, "ENFORCE_DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}",
           "ENFORCE_EVIDENCE_DIR": str(tmp_path / "ev"), "ENFORCE_SIGNING_KEY": str(tmp_path / "k" / "key"),
           "ENFORCE_CONFIG": str(REPO / "configs" / "cameras.yaml"), "ENFORCE_UPLOAD_DIR": str(tmp_path / "up")}
    proc = subprocess.Popen([*ENFORCE, "run", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read() if proc.stdout else ""
                    raise AssertionError(f"pipeline did not come up: {output}") from None
                time.sleep(0.5)
        secret = tmp_path / "var" / "initial-admin-password"
        assert oct(secret.stat().st_mode & 0o777) == "0o600"
        login = httpx.post(f"{base}/auth/login", json={"username": "admin", "password": secret.read_text().strip()})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        states = set()
        while time.monotonic() < deadline and not states & {"running", "finished"}:
            states = {httpx.get(f"{base}/cameras/{c}/health", headers=headers, timeout=5).json()["state"]
                      for c in ("demo-parking", "demo-worksite", "demo-barbecue")}
            time.sleep(1)
        assert states & {"running", "finished"}, states
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert proc.wait(timeout=90) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = proc.stdout.read() if proc.stdout else ""
    assert "pipeline stopped" in output  # the lifespan's stop step ran: cameras and jobs stopped cleanly
    assert secret.read_text().strip() not in output  # the password never reaches the log


def test_config_check_names_missing_weights_and_footage(tmp_path: Path) -> None:
    (tmp_path / "here.mp4").write_bytes(b"")
    (tmp_path / "half_openvino_model").mkdir()
    (tmp_path / "half_openvino_model" / "m.xml").write_text("<net/>")
    cfg = tmp_path / "cams.yaml"
    cfg.write_text(
        "detectors:\n"
        "  gone: {type: onnx, weights: models/gone.onnx}\n"
        "  half: {type: openvino, weights: half_openvino_model}\n"
        "  ir: {type: openvino, weights: half_openvino_model/m.xml}\n"
        "cameras:\n"
        "  - id: c1\n    name: a\n    source: file:here.mp4\n"
        "    location: {lat: 1, lon: 1, address: a, grid_code: g, responsible_unit: u}\n"
        "    detectors: [gone]\n"
        "  - id: c2\n    name: b\n    source: file:clips/away.mp4\n"
        "    location: {lat: 1, lon: 1, address: a, grid_code: g, responsible_unit: u}\n"
        "    detectors: [half]\n"
    )
    result = run_cli("config", "check", str(cfg))
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{cfg}:2: detectors.gone.weights: weights {tmp_path}/models/gone.onnx not found "
        "(nothing is downloaded at run time)",
        f"{cfg}:3: detectors.half.weights: weights folder {tmp_path}/half_openvino_model is not an OpenVINO "
        "export: no *.bin, metadata.yaml",
        f"{cfg}:4: detectors.ir.weights: OpenVINO IR {tmp_path}/half_openvino_model/m.xml has no m.bin beside it",
        f"{cfg}:13: cameras[1].source: camera 'c2': footage file {tmp_path}/clips/away.mp4 not found",
    ]


def test_config_check_names_a_missing_vnni_copy(tmp_path: Path) -> None:
    (tmp_path / "m.onnx").write_bytes(b"onnx")
    cfg = tmp_path / "cams.yaml"
    cfg.write_text(
        "detectors:\n"
        "  street:\n    type: onnx\n    weights: m.onnx\n    weights_vnni: m-vnni.onnx\n"
        "cameras: []\n"
    )
    result = run_cli("config", "check", str(cfg))
    assert result.returncode == 2, result.stdout
    assert result.stderr.strip().splitlines() == [
        f"{cfg}:5: detectors.street.weights_vnni: weights {tmp_path}/m-vnni.onnx not found "
        "(nothing is downloaded at run time)"
    ]
