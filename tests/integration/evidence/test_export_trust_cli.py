"""`enforce verify BUNDLE.zip` as a bureau and as a court's verifier run it: who signed, trusted or not.

The forgery is the one found by probing (issue 13): swap a photo in an exported ZIP, fix its hash,
re-sign the manifest with a new key and add that key to the ZIP's keyring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.keys import Signer, public_pem
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_context
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import small_violation
from tests.integration.evidence.test_evidence_cli import enforce
from tests.unit.evidence.forge import drop_record, members, relist, swap_photo, write_zip

pytestmark = pytest.mark.slow  # each test starts several `enforce` processes


def bureau(tmp_path: Path, n: int) -> tuple[dict[str, str], list[str], str]:
    """A store with n records and the environment of the bureau's server; returns (env, ids, key id)."""
    signer = Signer.load_or_create(tmp_path / "k" / "s.key")
    writer = EvidenceWriter(tmp_path / "store", signer, MemoryRecordSink(), spool_dir=tmp_path / "spool")
    ids = [writer.write(small_violation(i), make_context()).record_id for i in range(n)]
    env = {
        "ENFORCE_EVIDENCE_DIR": str(tmp_path / "store"),
        "ENFORCE_SIGNING_KEY": str(tmp_path / "k" / "s.key"),
        "ENFORCE_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
    }
    return env, ids, signer.key_id


def offline(tmp_path: Path) -> dict[str, str]:
    """Another machine: no evidence store, no signing key."""
    return {
        "ENFORCE_EVIDENCE_DIR": str(tmp_path / "elsewhere" / "none"),
        "ENFORCE_SIGNING_KEY": str(tmp_path / "elsewhere" / "no.key"),
        "ENFORCE_DATABASE_URL": "sqlite:///nowhere/x.db",
    }


def export(env: dict[str, str], ids: list[str], out: Path) -> Path:
    done = enforce("evidence", "export", *ids, "--out", str(out), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_forged_export_fails_and_names_the_untrusted_key(tmp_path: Path) -> None:
    env, ids, _ = bureau(tmp_path, 1)
    genuine = export(env, ids, tmp_path / "case.zip")
    forger = Signer.create(tmp_path / "forger" / "f.key")
    content = members(genuine)
    digest = swap_photo(content, ids[0], forger)
    as_probed = write_zip(tmp_path / "as-probed.zip", dict(content))
    relist(content, forger, manifest=(ids[0], digest))  # the forger also rewrites and re-signs the list
    forged = write_zip(tmp_path / "forged.zip", content)
    for zip_path in (as_probed, forged):
        for where in (env, offline(tmp_path)):
            result = enforce("verify", str(zip_path), env=where)
            assert result.returncode == 1, (zip_path.name, result.stdout + result.stderr)
            assert result.stdout.startswith("FAILED")
            assert f"record {ids[0]}: signed by key {forger.key_id} (UNTRUSTED)" in result.stdout
            assert f"manifest.json is signed by key {forger.key_id}, which is not trusted" in result.stderr
    # only when the verifier names the forger's key is the forgery accepted, and then it says whose key
    (tmp_path / "forger.pem").write_bytes(public_pem(forger.public_key))
    given = enforce("verify", str(forged), "--trusted-key", str(tmp_path / "forger.pem"), env=env)
    assert given.returncode == 0, given.stdout + given.stderr
    assert f"record {ids[0]}: signed by key {forger.key_id} (trusted: given key)" in given.stdout
    assert f"export.json: signed by key {forger.key_id} (trusted: given key)" in given.stdout


def test_deleted_record_and_its_line_fail(tmp_path: Path) -> None:
    env, ids, kid = bureau(tmp_path, 2)
    content = members(export(env, ids, tmp_path / "case.zip"))
    drop_record(content, ids[1])
    relist(content, None, drop=ids[1])
    cut = write_zip(tmp_path / "cut.zip", content)
    result = enforce("verify", str(cut), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "export.json was changed after it was signed" in result.stderr
    assert f"Ed25519 signature by key {kid} does not match the signed bytes" in result.stderr


def test_genuine_export_names_its_key_and_trust(tmp_path: Path) -> None:
    env, ids, kid = bureau(tmp_path, 2)
    genuine = export(env, ids, tmp_path / "case.zip")
    on_server = enforce("verify", str(genuine), env=env)
    assert on_server.returncode == 0, on_server.stdout + on_server.stderr
    assert on_server.stdout.startswith("OK: 2 records")
    for rid in ids:
        assert f"record {rid}: signed by key {kid} (trusted: store key)" in on_server.stdout
    assert f"export.json: signed by key {kid} (trusted: store key)" in on_server.stdout
    pem = enforce("keys", "export-public", "--out", str(tmp_path / "bureau.pem"), env=env)
    assert pem.returncode == 0, pem.stderr
    elsewhere = offline(tmp_path)
    untrusted = enforce("verify", str(genuine), env=elsewhere)
    assert untrusted.returncode == 1
    assert f"signed by key {kid}, which is not trusted" in untrusted.stderr
    pinned = enforce("verify", str(genuine), "--trusted-key", str(tmp_path / "bureau.pem"), env=elsewhere)
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    assert f"record {ids[0]}: signed by key {kid} (trusted: given key)" in pinned.stdout
    allowed = enforce("verify", str(genuine), "--allow-untrusted", env=elsewhere)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert allowed.stdout.startswith("OK (UNTRUSTED KEYS ALLOWED): 2 records")
    assert f"record {ids[0]}: signed by key {kid} (UNTRUSTED)" in allowed.stdout
    assert f"WARNING: signed by UNTRUSTED key(s) {kid}" in allowed.stdout


def test_bad_trusted_key_is_a_clear_error(tmp_path: Path) -> None:
    env, ids, _ = bureau(tmp_path, 1)
    result = enforce("verify", ids[0], "--no-db", "--trusted-key", str(tmp_path / "missing.pem"), env=env)
    assert result.returncode == 2
    assert "neither a readable PEM file nor a 16-hex-digit key id" in result.stderr
