"""`enforce verify | keys | evidence` as an operator runs them: real processes, real files, real DB."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from api.db.evidence_sink import DatabaseRecordSink
from evidence.keys import Signer, public_pem
from evidence.synthetic import make_context
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import add_camera, small_violation

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow  # each test starts several `enforce` processes


def enforce(*args: str, env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        timeout=120,
    )


def setup_store(tmp_path: Path, database_url: str, n: int = 3) -> tuple[dict[str, str], list[str]]:
    add_camera(database_url)
    env = {
        "ENFORCE_EVIDENCE_DIR": str(tmp_path / "store"),
        "ENFORCE_SIGNING_KEY": str(tmp_path / "k" / "s.key"),
        "ENFORCE_DATABASE_URL": database_url,
    }
    writer = EvidenceWriter(
        tmp_path / "store",
        Signer.load_or_create(tmp_path / "k" / "s.key"),
        DatabaseRecordSink.from_url(database_url),
    )
    ids = [writer.write(small_violation(i), make_context()).record_id for i in range(n)]
    return env, ids


def test_verify_all_and_one_then_tamper(tmp_path: Path, database_url: str) -> None:
    env, ids = setup_store(tmp_path, database_url)
    ok = enforce("verify", "--all", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: 3 records")
    kid = Signer.load(tmp_path / "k" / "s.key").key_id
    for rid in ids:
        assert f"record {rid}: signed by key {kid} (trusted: store key)" in ok.stdout
    one = enforce("verify", ids[1], env=env)
    assert one.returncode == 0 and f"record {ids[1]}: signed by key {kid} (trusted: store key)" in one.stdout
    target = tmp_path / "store" / "records" / ids[1] / "original" / "02-interval.png"
    data = bytearray(target.read_bytes())
    data[-10] ^= 0xFF
    target.write_bytes(bytes(data))
    bad = enforce("verify", "--all", env=env)
    assert bad.returncode == 1
    assert f"[{ids[1]}] original/02-interval.png does not match its SHA-256" in bad.stderr
    assert enforce("verify", ids[1], env=env).returncode == 1
    assert enforce("verify", ids[0], env=env).returncode == 0
    missing = enforce("verify", "01NOSUCHRECORD0000000000000", env=env)
    assert missing.returncode == 1 and "no bundle for record" in missing.stderr


def test_export_zip_verifies_offline_in_fresh_dir(tmp_path: Path, database_url: str) -> None:
    env, ids = setup_store(tmp_path, database_url)
    out = tmp_path / "case.zip"
    exported = enforce("evidence", "export", ids[0], ids[2], "--out", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    elsewhere = tmp_path / "other-machine"
    elsewhere.mkdir()
    shutil.copy(out, elsewhere / "case.zip")
    bureau_pem = public_pem(Signer.load(tmp_path / "k" / "s.key").public_key)  # obtained from the bureau
    shutil.rmtree(tmp_path / "store")  # nothing of the original store remains
    offline = {
        "ENFORCE_EVIDENCE_DIR": str(elsewhere / "none"),
        "ENFORCE_SIGNING_KEY": str(elsewhere / "no.key"),
        "ENFORCE_DATABASE_URL": "sqlite:///nowhere/x.db",
    }
    (elsewhere / "bureau.pem").write_bytes(bureau_pem)
    result = enforce("verify", "case.zip", "--trusted-key", "bureau.pem", env=offline, cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: 2 records")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
    assert {"keyring.json", "export.json", "export.json.sig", f"records/{ids[0]}/manifest.sig"} <= names
    assert any(n.startswith("public_keys/") and n.endswith(".pem") for n in names)
    # tamper inside the ZIP: rewrite one member with a flipped byte
    tampered = elsewhere / "tampered.zip"
    member = f"records/{ids[2]}/plate.png"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == member:
                data = data[:-5] + bytes([data[-5] ^ 1]) + data[-4:]
            dst.writestr(item, data)
    bad = enforce("verify", "tampered.zip", "--trusted-key", "bureau.pem", env=offline, cwd=elsewhere)
    assert bad.returncode == 1 and f"[{ids[2]}] plate.png does not match its SHA-256" in bad.stderr


def test_keys_export_and_rotate(tmp_path: Path, database_url: str) -> None:
    env, ids = setup_store(tmp_path, database_url, n=1)
    pem = enforce("keys", "export-public", env=env)
    assert pem.returncode == 0 and pem.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in pem.stdout + pem.stderr
    old_id = pem.stderr.split("key id: ")[1].strip()
    (tmp_path / "old.pem").write_text(pem.stdout)
    rotated = enforce("keys", "rotate", env=env)
    assert rotated.returncode == 0 and f"signing key rotated: {old_id} -> " in rotated.stdout
    writer = EvidenceWriter(
        tmp_path / "store", Signer.load(tmp_path / "k" / "s.key"), DatabaseRecordSink.from_url(database_url)
    )
    writer.write(small_violation(5), make_context())
    assert enforce("verify", "--all", env=env).returncode == 0
    pinned = enforce("verify", "--all", "--trusted-key", str(tmp_path / "old.pem"), env=env)
    assert pinned.returncode == 1 and "not trusted" in pinned.stderr


def test_recover_and_tombstone_commands(tmp_path: Path, database_url: str) -> None:
    env, ids = setup_store(tmp_path, database_url)
    leftover = tmp_path / "store" / ".staging" / "01DEADWRITE000000000000000"
    (leftover / "original").mkdir(parents=True)
    (leftover / "original" / "01-arrival.png").write_bytes(b"half")
    assert enforce("verify", "--all", env=env).returncode == 1  # unfinished write is reported
    recovered = enforce("evidence", "recover", env=env)
    assert recovered.returncode == 0, recovered.stderr
    assert "removed staging leftover 01DEADWRITE000000000000000" in recovered.stdout
    gone = enforce("evidence", "tombstone", ids[1], "--reason", "retention-180d", env=env)
    assert gone.returncode == 0, gone.stderr
    result = enforce("verify", "--all", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 records (1 tombstoned)" in result.stdout
    assert sorted(p.name for p in (tmp_path / "store" / "records" / ids[1]).iterdir()) == [
        "tombstone.json",
        "tombstone.sig",
    ]
