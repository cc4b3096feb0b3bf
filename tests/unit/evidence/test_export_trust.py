"""Exports: the signing key of every record and of the record list is named with its trust; a key is
never trusted by being in the ZIP; the record list is signed, so deleting, adding or editing fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.export import export_zip
from evidence.keys import Signer, public_pem
from evidence.trust import given_trust, store_trust
from evidence.verify import verify_store
from evidence.verify_export import verify_zip
from tests.unit.evidence.conftest import StoreFixture
from tests.unit.evidence.forge import drop_record, members, relist, swap_photo, write_zip


@pytest.fixture
def exported(store: StoreFixture, tmp_path: Path) -> Path:
    ids = [r.record_id for r in store.records[:3]]
    return export_zip(store.root, ids, tmp_path / "case.zip", Signer.load(store.key))


@pytest.fixture
def forger(tmp_path: Path) -> Signer:
    return Signer.create(tmp_path / "forger" / "forger.key")


def test_genuine_export_names_store_key(store: StoreFixture, exported: Path) -> None:
    kid = Signer.load(store.key).key_id
    report = verify_zip(exported, store_trust(store.root, store.key))
    assert report.ok, report.lines()
    assert [(r.signing_key_id, r.key_trust) for r in report.records] == [(kid, "store key")] * 3
    assert report.export_signer is not None and (report.export_signer.key_id, report.export_signer.trust) == (
        kid,
        "store key",
    )
    assert report.summary().startswith("OK: 3 records")
    assert f"record {store.records[0].record_id}: signed by key {kid} (trusted: store key)" in report.signer_lines()
    assert f"export.json: signed by key {kid} (trusted: store key)" in report.signer_lines()


def test_zip_keyring_alone_trusts_nothing(store: StoreFixture, exported: Path) -> None:
    kid = Signer.load(store.key).key_id
    report = verify_zip(exported)
    assert not report.ok
    assert {r.key_trust for r in report.records} == {"UNTRUSTED"}
    refused = [p for p in report.problems if "which is not trusted" in p.message]
    assert len(refused) == 4 and all(kid in p.message for p in refused)  # 3 manifests and export.json
    allowed = verify_zip(exported, given_trust([]).allowing_untrusted())
    assert allowed.ok, allowed.lines()
    assert allowed.untrusted_key_ids() == [kid]
    assert allowed.summary().startswith("OK (UNTRUSTED KEYS ALLOWED): 3 records")
    assert any(line.startswith("WARNING: signed by UNTRUSTED key(s) " + kid) for line in allowed.warnings())


def test_given_key_is_trusted_as_given(store: StoreFixture, exported: Path, tmp_path: Path) -> None:
    pem = tmp_path / "bureau.pem"
    pem.write_bytes(public_pem(Signer.load(store.key).public_key))
    report = verify_zip(exported, given_trust([str(pem)]))
    assert report.ok, report.lines()
    assert {r.key_trust for r in report.records} == {"given key"}


def test_forged_photo_names_the_forgers_key(
    store: StoreFixture, exported: Path, forger: Signer, tmp_path: Path
) -> None:
    rid = store.records[2].record_id  # the newest exported record: no chain link names its hash
    content = members(exported)
    digest = swap_photo(content, rid, forger)
    relist(content, forger, manifest=(rid, digest))
    forged = write_zip(tmp_path / "forged.zip", content)
    report = verify_zip(forged, store_trust(store.root, store.key))
    assert not report.ok
    assert [r.record_id for r in report.records if r.key_trust == "UNTRUSTED"] == [rid]
    assert {(p.record_id, p.path) for p in report.problems} == {(rid, "manifest.sig"), (None, "export.json.sig")}
    assert all(forger.key_id in p.message and "not trusted" in p.message for p in report.problems)
    pem = tmp_path / "forger.pem"
    pem.write_bytes(public_pem(forger.public_key))
    only_forger = verify_zip(forged, given_trust([str(pem)]))  # the genuine records are not trusted now
    assert {p.record_id for p in only_forger.problems} == {r.record_id for r in store.records[:3]} - {rid}
    both = given_trust([str(pem), Signer.load(store.key).key_id])
    accepted = verify_zip(forged, both)
    assert accepted.ok, accepted.lines()
    assert f"record {rid}: signed by key {forger.key_id} (trusted: given key)" in accepted.signer_lines()


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("keep-signature", ("signature", "export.json was changed after it was signed")),
        ("drop-signature", ("export", "export.json.sig is missing")),
        ("forger-signs", ("signature", "which is not trusted")),
    ],
)
def test_deleted_record_and_its_line_fail(
    store: StoreFixture, exported: Path, forger: Signer, tmp_path: Path, how: str, expected: tuple[str, str]
) -> None:
    rid = store.records[1].record_id
    content = members(exported)
    drop_record(content, rid)
    relist(content, forger if how == "forger-signs" else None, drop=rid)
    if how == "drop-signature":
        del content["export.json.sig"]
    report = verify_zip(write_zip(tmp_path / "cut.zip", content), store_trust(store.root, store.key))
    assert not report.ok
    assert any(p.check == expected[0] and expected[1] in p.message for p in report.problems), report.lines()
    assert len(report.records) == 2


def test_record_added_to_the_zip_without_a_line_fails(store: StoreFixture, tmp_path: Path) -> None:
    signer = Signer.load(store.key)
    small = export_zip(store.root, [store.records[0].record_id], tmp_path / "one.zip", signer)
    other = export_zip(store.root, [store.records[2].record_id], tmp_path / "other.zip", signer)
    content = members(small)
    extra = store.records[2].record_id
    content.update({n: d for n, d in members(other).items() if n.startswith(f"records/{extra}/")})
    report = verify_zip(write_zip(tmp_path / "grown.zip", content), store_trust(store.root))
    assert [(p.check, p.record_id, p.message) for p in report.problems] == [
        ("export", extra, "record is in the ZIP but not listed in export.json")
    ]


def test_listing_that_disagrees_with_a_record_is_named(store: StoreFixture, exported: Path, tmp_path: Path) -> None:
    """Even a list signed by the store's own key must match the bundles it lists."""
    rid = store.records[0].record_id
    content = members(exported)
    relist(content, Signer.load(store.key), manifest=(rid, "0" * 64))
    report = verify_zip(write_zip(tmp_path / "edited.zip", content), store_trust(store.root))
    assert [(p.check, p.record_id, p.expected) for p in report.problems] == [("export", rid, "0" * 64)]
    assert "different manifest hash" in report.problems[0].message


def test_store_records_name_their_key(store: StoreFixture) -> None:
    kid = Signer.load(store.key).key_id
    report = verify_store(store.root, store_trust(store.root, store.key))
    assert report.ok, report.lines()
    expected = [f"record {r.record_id}: signed by key {kid} (trusted: store key)" for r in store.records]
    assert report.signer_lines() == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-such-key.pem", "neither a readable PEM file nor a 16-hex-digit key id"),
        ("NOT-HEX-0123456", "neither a readable PEM file nor a 16-hex-digit key id"),
        ("garbage.pem", "is not a PEM public key"),
    ],
)
def test_bad_trusted_key_is_named(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "garbage.pem").write_text("not a key")
    path = str(tmp_path / value) if value.endswith(".pem") else value
    with pytest.raises(ValueError, match=message):
        given_trust([path])
