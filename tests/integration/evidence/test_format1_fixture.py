"""Records written in manifest format `enforce-evidence/1` (before issue #15) still verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "fixtures" / "evidence_format1"
pytestmark = pytest.mark.slow  # each test starts an `enforce` process


def verify(zip_path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "ENFORCE_EVIDENCE_DIR": str(tmp_path / "store"),
        "ENFORCE_SIGNING_KEY": str(tmp_path / "k" / "s.key"),
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "verify", str(zip_path), "--trusted-key", str(FIXTURE / "signing.pub.pem")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_format1_export_verifies(tmp_path: Path) -> None:
    with zipfile.ZipFile(FIXTURE / "format1-export.zip") as z:
        formats = {json.loads(z.read(n))["format"] for n in z.namelist() if n.endswith("/manifest.json")}
    assert formats == {"enforce-evidence/1"}
    done = verify(FIXTURE / "format1-export.zip", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: 4 records")


def test_tampered_format1_export_fails(tmp_path: Path) -> None:
    source = FIXTURE / "format1-export.zip"
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(tampered, "w") as dst:
        victim = next(n for n in src.namelist() if n.endswith("/manifest.json") and "01M81BFK" in n)
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == victim:
                data = data.replace(b'"people_count": 3', b'"people_count": 4')
                assert b'"people_count": 4' in data
            dst.writestr(item, data)
    done = verify(tampered, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "01M81BFKGGCABRJW9Y5KPNM0MX" in done.stderr
