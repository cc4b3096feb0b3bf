"""The `enforce` command as an operator runs it: a real process, real port, real HTTP."""

from __future__ import annotations

import os
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
