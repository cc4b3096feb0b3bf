"""Any alteration of a bundle, the manifest or the chain is detected and named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.bundle import content_digest, manifest_bytes, verification_code
from evidence.hashing import sha256_bytes
from evidence.keys import Signer, sign
from evidence.records import Manifest
from evidence.store import EvidenceStore
from evidence.verify import verify_record, verify_store
from tests.unit.evidence.conftest import StoreFixture


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def test_untouched_store_verifies(store: StoreFixture) -> None:
    report = verify_store(store.root)
    assert report.ok, report.lines()
    assert len(report.records) == 4
    assert report.records[0].files_checked == 8  # 3 originals, 3 annotated, plate close-up, clip


@pytest.mark.parametrize(
    "rel",
    [
        "original/01-arrival.png",
        "original/03-confirmation.png",
        "annotated/02-interval.jpg",
        "plate.png",
        "clip.mp4",
    ],
)
def test_flipped_byte_in_media_names_the_file(store: StoreFixture, rel: str) -> None:
    bundle = store.bundle(1)
    flip_byte(bundle / rel)
    report = verify_store(store.root)
    assert not report.ok
    [problem] = report.problems
    assert problem.check == "file" and problem.path == rel and problem.record_id == store.records[1].record_id
    entry = next(f for f in store.records[1].manifest.files if f.path == rel)
    assert problem.expected == entry.sha256
    assert problem.actual == sha256_bytes((bundle / rel).read_bytes())


@pytest.mark.parametrize("rel", ["manifest.json", "manifest.sig"])
def test_flipped_byte_in_manifest_or_signature_names_it(store: StoreFixture, rel: str) -> None:
    path = store.bundle(2) / rel
    # flip inside the base64 signature / inside a hash value, so both files stay parseable JSON
    text = path.read_text()
    anchor = text.index('"signature": "') + 20 if rel == "manifest.sig" else text.index('"sha256": "') + 15
    flip_byte(path, anchor)
    report = verify_store(store.root)
    assert not report.ok
    assert any(
        p.path == rel or (p.check == "signature" and p.path in ("manifest.json", "manifest.sig"))
        for p in report.problems
    ), report.lines()
    assert all(p.record_id == store.records[2].record_id for p in report.problems if p.check != "chain")
    assert {p.check for p in report.problems} >= {"signature"}
    # a changed manifest also changes its hash, so the successor's link names it
    assert all(p.record_id == store.records[3].record_id for p in report.chain)


def test_flipped_byte_anywhere_is_detected(store: StoreFixture) -> None:
    """Every file of a bundle, a byte flipped at the start, middle and end: verify names that file."""
    bundle = store.bundle(0)
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        original = path.read_bytes()
        for offset in (0, len(original) // 2, len(original) - 2):
            flip_byte(path, offset)
            report = verify_store(store.root)
            assert not report.ok, (rel, offset)
            named = {p.path for p in report.problems}
            assert (
                rel in named
                or (rel == "manifest.sig" and "manifest.sig" in named)
                or (rel == "manifest.sig" and "manifest.json" in named)
            ), (rel, offset, report.lines())
            path.write_bytes(original)
    assert verify_store(store.root).ok


def test_edited_manifest_fails_signature(store: StoreFixture) -> None:
    path = store.bundle(1) / "manifest.json"
    data = json.loads(path.read_text())
    data["object"]["plate_text"] = "浙B99999"  # a plausible, well-formed edit
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    report = verify_store(store.root)
    checks = {(p.check, p.path) for p in report.problems}
    assert ("signature", "manifest.json") in checks, report.lines()
    assert ("digest", "manifest.json") in checks  # the verification code no longer matches either


def test_manifest_resigned_with_foreign_key_is_rejected(store: StoreFixture, tmp_path: Path) -> None:
    folder = store.bundle(1)
    manifest = Manifest.model_validate_json((folder / "manifest.json").read_bytes())
    forged = manifest.model_copy(update={"object": manifest.object.model_copy(update={"plate_text": "浙B1"})})
    data = manifest_bytes(forged)
    (folder / "manifest.json").write_bytes(data)
    (folder / "manifest.sig").write_bytes(sign(Signer.create(tmp_path / "evil.key"), data).to_bytes())
    report = verify_store(store.root)
    assert any(p.check == "signature" and "not in the keyring" in p.message for p in report.problems)


def test_deleted_record_breaks_the_chain_by_name(store: StoreFixture) -> None:
    import shutil

    shutil.rmtree(store.bundle(1))
    report = verify_store(store.root)
    [problem] = report.chain
    assert problem.record_id == store.records[2].record_id
    assert "record(s) 2 missing" in problem.message and store.records[1].record_id in problem.message
    assert problem.expected == store.records[1].manifest_sha256


def test_deleted_newest_record_is_caught_by_the_head(store: StoreFixture) -> None:
    import shutil

    shutil.rmtree(store.bundle(3))
    report = verify_store(store.root)
    assert [p.check for p in report.problems] == ["head"]
    assert "records at the end were deleted" in report.problems[0].message


def test_reordered_records_break_the_chain(store: StoreFixture) -> None:
    """An insider with the key swaps records 2 and 3 (sequence numbers re-signed): the links break."""
    signer = Signer.load(store.key)
    for n, new_seq in ((1, 3), (2, 2)):
        folder = store.bundle(n)
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_bytes())
        moved = manifest.model_copy(update={"sequence": new_seq})
        digest = content_digest(moved.model_dump(mode="json"))
        data = manifest_bytes(
            moved.model_copy(
                update={"content_sha256": digest, "verification_code": verification_code(digest)}
            )
        )
        (folder / "manifest.json").write_bytes(data)
        (folder / "manifest.sig").write_bytes(sign(signer, data).to_bytes())
    report = verify_store(store.root)
    assert all(r.ok for r in report.records)  # each bundle alone is fine ...
    broken = {p.record_id for p in report.chain}
    assert broken == {store.records[2].record_id, store.records[1].record_id, store.records[3].record_id}
    assert any("link 1->2 broken" in p.message for p in report.chain), report.lines()


def test_inserted_foreign_record_is_caught(store: StoreFixture, built_store: StoreFixture) -> None:
    import shutil

    shutil.copytree(built_store.bundle(2), store.root / "records" / "01ZZZZZZZZZZZZZZZZZZZZZZZZ")
    report = verify_store(store.root)
    assert any(p.check == "manifest" and p.record_id == "01ZZZZZZZZZZZZZZZZZZZZZZZZ" for p in report.problems)
    assert any(p.check == "chain" and "used by both" in p.message for p in report.chain)


def test_unlisted_file_in_bundle_is_named(store: StoreFixture) -> None:
    (store.bundle(0) / "original" / "extra.png").write_bytes(b"x")
    report = verify_store(store.root)
    assert [p.path for p in report.problems] == ["original/extra.png"]


def test_verify_record_checks_neighbour_links(store: StoreFixture) -> None:
    rid = store.records[2].record_id
    assert verify_record(store.root, rid).ok
    import shutil

    shutil.rmtree(store.bundle(1))
    report = verify_record(store.root, rid)
    assert any("predecessor" in p.message for p in report.chain)
    assert not verify_record(store.root, store.records[1].record_id).ok  # gone: named as missing


def test_head_matches_newest_record(store: StoreFixture) -> None:
    head = EvidenceStore(store.root).read_head()
    assert head is not None and head.sequence == 4 and head.record_id == store.records[3].record_id
