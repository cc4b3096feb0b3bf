"""Verify an exported ZIP offline: every record as in a store, and the signed record list.

Nothing in the ZIP is trusted by being there: the records and `export.json` must be signed by keys
the verifier trusts (evidence/trust.py), and `export.json` must list exactly the records in the ZIP
with their manifest hashes, so a record removed or added with its line, or an edited list, is named.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from pydantic import ValidationError

from evidence.export import LISTING_NAME, LISTING_SIG, ExportListing
from evidence.keys import Keyring, Signature
from evidence.store import EvidenceStore, Link
from evidence.trust import Trust, check_signature
from evidence.verify import Problem, VerifyReport, load_keyring, read_links, safe_rel, verify_store


def verify_zip(zip_path: Path, trust: Trust | None = None) -> VerifyReport:
    """Verify an export in a fresh temporary folder; `trust` None trusts no key at all."""
    trust = trust if trust is not None else Trust()
    with tempfile.TemporaryDirectory(prefix="enforce-verify-") as tmp:
        try:
            with zipfile.ZipFile(zip_path) as archive:
                for name in archive.namelist():
                    if not safe_rel(name):
                        report = VerifyReport()
                        report.other.append(Problem("store", f"unsafe path {name!r} in {zip_path}"))
                        return report
                archive.extractall(tmp)
        except (OSError, zipfile.BadZipFile) as exc:
            report = VerifyReport()
            report.other.append(Problem("store", f"cannot read {zip_path}: {exc}"))
            return report
        root = Path(tmp)
        report = verify_store(root, trust, complete=False)
        store = EvidenceStore(root)
        keyring = load_keyring(store, VerifyReport())  # an unreadable keyring is already reported
        links, _ = read_links(store, store.record_ids())  # unreadable links are already reported
        report.other.extend(check_listing(root, keyring, trust, links, report))
        return report


def check_listing(
    root: Path, keyring: Keyring, trust: Trust, links: list[Link], report: VerifyReport
) -> list[Problem]:
    """export.json's signature (its signer goes into `report`) and its content against the records."""
    listing_path, sig_path = root / LISTING_NAME, root / LISTING_SIG
    if not listing_path.is_file():
        return [Problem("export", f"{LISTING_NAME} is missing: the record list cannot be checked", path=LISTING_NAME)]
    data = listing_path.read_bytes()
    problems = _listing_signature(data, sig_path, keyring, trust, report)
    try:
        listing = ExportListing.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        problems.append(
            Problem("export", f"{LISTING_NAME} is not a valid record list: {where}: {first['msg']}", path=LISTING_NAME)
        )
        return problems
    if report.export_signer is not None and listing.signing_key_id != report.export_signer.key_id:
        problems.append(
            Problem(
                "export",
                f"{LISTING_NAME} names a different signing key than {LISTING_SIG}",
                path=LISTING_SIG,
                expected=listing.signing_key_id,
                actual=report.export_signer.key_id,
            )
        )
    return problems + _compare(listing, links, {r.record_id for r in report.records})


def _listing_signature(
    data: bytes, sig_path: Path, keyring: Keyring, trust: Trust, report: VerifyReport
) -> list[Problem]:
    if not sig_path.is_file():
        return [
            Problem(
                "export",
                f"{LISTING_SIG} is missing: the record list is not signed (an export made before signed "
                "lists, or one altered)",
                path=LISTING_SIG,
            )
        ]
    try:
        signature = Signature.from_bytes(sig_path.read_bytes())
    except (OSError, ValueError) as exc:
        return [Problem("signature", f"{LISTING_SIG}: {exc}", path=LISTING_SIG)]
    check = check_signature(LISTING_NAME, signature, data, keyring, trust)
    report.export_signer = check
    problems = []
    if check.refused:
        problems.append(Problem("signature", check.refused, path=LISTING_SIG))
    if check.invalid:
        problems.append(
            Problem("signature", f"{LISTING_NAME} was changed after it was signed: {check.invalid}", path=LISTING_NAME)
        )
    return problems


def _compare(listing: ExportListing, links: list[Link], in_zip: set[str]) -> list[Problem]:
    problems = []
    by_id = {link.record_id: link for link in links}
    seen: set[str] = set()
    for entry in listing.records:
        rid = entry.record_id
        if rid in seen:
            problems.append(Problem("export", f"record listed twice in {LISTING_NAME}", rid, path=LISTING_NAME))
            continue
        seen.add(rid)
        link = by_id.get(rid)
        if rid not in in_zip:
            problems.append(Problem("export", f"record listed in {LISTING_NAME} is missing from the ZIP", rid))
        elif link is None:
            continue  # its unreadable chain link is already reported
        elif entry.manifest_sha256 != link.manifest_sha256:
            problems.append(
                Problem(
                    "export",
                    f"{LISTING_NAME} lists a different manifest hash than the record in the ZIP",
                    rid,
                    expected=entry.manifest_sha256,
                    actual=link.manifest_sha256,
                )
            )
        elif (entry.sequence, entry.tombstoned) != (link.sequence, link.tombstoned):
            problems.append(
                Problem(
                    "export",
                    f"{LISTING_NAME} lists sequence {entry.sequence} (tombstoned {entry.tombstoned}), the "
                    f"record says sequence {link.sequence} (tombstoned {link.tombstoned})",
                    rid,
                )
            )
    for rid in sorted(in_zip - seen):
        problems.append(Problem("export", f"record is in the ZIP but not listed in {LISTING_NAME}", rid))
    return problems
