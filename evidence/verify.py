"""Re-check bundles, signatures and the hash chain; every problem names what failed.

`verify_bundle` checks one folder (signature, every file's size and SHA-256, unlisted files, the
content digest and verification code, the record id) and names the signing key and its trust
(evidence/trust.py). `check_chain` checks sequence numbers and previous-manifest links. `verify_store`
does both for a whole store (plus the ledger head and, when given, the database rows); `verify_record`
one record and its two links. Exports are checked by evidence/verify_export.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from evidence.bundle import MANIFEST_NAME, SIGNATURE_NAME, content_digest, verification_code
from evidence.hashing import sha256_bytes, sha256_file
from evidence.keys import Keyring, Signature
from evidence.records import Manifest
from evidence.sink import RowInfo
from evidence.store import TOMBSTONE_NAME, TOMBSTONE_SIG, EvidenceStore, Link
from evidence.trust import STORE_KEY, UNTRUSTED, SignatureCheck, Trust, TrustedKey, check_signature, store_trust


@dataclass(frozen=True)
class Problem:
    check: str  # file | signature | manifest | digest | chain | head | database | tombstone | store | export
    message: str
    record_id: str | None = None
    path: str | None = None
    expected: str | None = None
    actual: str | None = None

    def __str__(self) -> str:
        where = f"[{self.record_id}] " if self.record_id else ""
        hashes = f" (expected {self.expected}, actual {self.actual})" if self.expected or self.actual else ""
        return f"{self.check}: {where}{self.message}{hashes}"


@dataclass
class RecordReport:
    record_id: str
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    bytes_checked: int = 0
    tombstoned: bool = False
    signing_key_id: str | None = None
    key_trust: str | None = None  # STORE_KEY | GIVEN_KEY | UNTRUSTED; None: no readable signature

    @property
    def ok(self) -> bool:
        return not self.problems

    def signer_line(self) -> str:
        return f"record {self.record_id}: {_signed_by(self.signing_key_id, self.key_trust)}"


@dataclass
class VerifyReport:
    records: list[RecordReport] = field(default_factory=list)
    chain: list[Problem] = field(default_factory=list)
    other: list[Problem] = field(default_factory=list)
    export_signer: SignatureCheck | None = None  # who signed an export's record list
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.records for p in r.problems] + self.chain + self.other

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bytes_checked(self) -> int:
        return sum(r.bytes_checked for r in self.records)

    def untrusted_key_ids(self) -> list[str]:
        found = [(r.signing_key_id, r.key_trust) for r in self.records]
        if self.export_signer is not None:
            found.append((self.export_signer.key_id, self.export_signer.trust))
        return sorted({kid for kid, trust in found if kid and trust == UNTRUSTED})

    def summary(self) -> str:
        tomb = sum(r.tombstoned for r in self.records)
        state = "FAILED" if not self.ok else "OK (UNTRUSTED KEYS ALLOWED)" if self.untrusted_key_ids() else "OK"
        return (
            f"{state}: {len(self.records)} records ({tomb} tombstoned), "
            f"{sum(r.files_checked for r in self.records)} files, {self.bytes_checked} bytes checked, "
            f"{len(self.problems)} problems"
        )

    def signer_lines(self) -> list[str]:
        """Who signed each record (and an export's record list), with the trust of that key."""
        lines = [r.signer_line() for r in self.records]
        if self.export_signer is not None:
            lines.append(f"export.json: {_signed_by(self.export_signer.key_id, self.export_signer.trust)}")
        return lines

    def warnings(self) -> list[str]:
        untrusted = self.untrusted_key_ids()
        lines = [f"note: {n}" for n in self.notes]
        if untrusted:
            lines.append(
                f"WARNING: signed by UNTRUSTED key(s) {', '.join(untrusted)}: the files match those "
                "signatures, but nothing shows who made them"
            )
        return lines

    def lines(self) -> list[str]:
        return [
            self.summary(),
            *(f"  {line}" for line in self.signer_lines()),
            *self.warnings(),
            *(f"  {p}" for p in self.problems),
        ]


def _signed_by(key_id: str | None, trust: str | None) -> str:
    if key_id is None:
        return "no readable signature"
    if trust == UNTRUSTED:
        return f"signed by key {key_id} (UNTRUSTED)"
    return f"signed by key {key_id} (trusted: {trust})"


def safe_rel(path: str) -> bool:
    p = PurePosixPath(path)
    return bool(path) and not p.is_absolute() and ".." not in p.parts and "\\" not in path


def verify_bundle(folder: Path, keyring: Keyring, trust: Trust | None = None) -> RecordReport:
    """Check one bundle folder; `trust` None trusts every key in `keyring` (the store's own keyring)."""
    folder = Path(folder)
    trust = trust if trust is not None else keyring_trust(keyring)
    report = RecordReport(folder.name)
    rid = folder.name

    def problem(check: str, message: str, **kw: str | None) -> None:
        report.problems.append(Problem(check, message, rid, **kw))

    if (folder / TOMBSTONE_NAME).exists():
        report.tombstoned = True
        _verify_signed(folder, TOMBSTONE_NAME, TOMBSTONE_SIG, keyring, trust, problem, report)
        return report
    for name in (MANIFEST_NAME, SIGNATURE_NAME):
        if not (folder / name).is_file():
            problem("manifest", f"{name} is missing", path=name)
    if report.problems:
        return report
    data = _verify_signed(folder, MANIFEST_NAME, SIGNATURE_NAME, keyring, trust, problem, report)
    try:
        raw = json.loads(data)
        manifest = Manifest.model_validate(raw)
    except (ValueError, ValidationError) as exc:
        problem(
            "manifest",
            f"manifest.json is not a valid manifest: {str(exc).splitlines()[0]}",
            path=MANIFEST_NAME,
        )
        return report
    if manifest.record_id != rid:
        problem(
            "manifest",
            f"folder {rid} holds the manifest of record {manifest.record_id}",
            path=MANIFEST_NAME,
            expected=rid,
            actual=manifest.record_id,
        )
    if report.signing_key_id and manifest.signing_key_id != report.signing_key_id:
        problem(
            "signature",
            "manifest names a different signing key than manifest.sig",
            path=SIGNATURE_NAME,
            expected=manifest.signing_key_id,
            actual=report.signing_key_id,
        )
    listed = set()
    for entry in manifest.files:
        if not safe_rel(entry.path):
            problem("manifest", f"unsafe file path {entry.path!r} in manifest", path=entry.path)
            continue
        listed.add(entry.path)
        path = folder / entry.path
        if not path.is_file():
            problem(
                "file", f"{entry.path} is missing", path=entry.path, expected=entry.sha256, actual="missing"
            )
            continue
        digest, size = sha256_file(path)
        report.files_checked += 1
        report.bytes_checked += size
        if digest != entry.sha256:
            problem(
                "file",
                f"{entry.path} does not match its SHA-256",
                path=entry.path,
                expected=entry.sha256,
                actual=digest,
            )
        elif size != entry.size:
            problem(
                "file",
                f"{entry.path} has the wrong size",
                path=entry.path,
                expected=str(entry.size),
                actual=str(size),
            )
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel not in listed and rel not in (MANIFEST_NAME, SIGNATURE_NAME):
            problem("file", f"{rel} is in the bundle but not in the manifest", path=rel)
    digest = content_digest(raw)
    if digest != manifest.content_sha256:
        problem(
            "digest",
            "content digest does not match the manifest",
            path=MANIFEST_NAME,
            expected=manifest.content_sha256,
            actual=digest,
        )
    if verification_code(manifest.content_sha256) != manifest.verification_code:
        problem(
            "digest",
            "verification code does not derive from the content digest",
            path=MANIFEST_NAME,
            expected=verification_code(manifest.content_sha256),
            actual=manifest.verification_code,
        )
    return report


def keyring_trust(keyring: Keyring) -> Trust:
    """Every key of a store's own keyring, trusted as a store key."""
    keys = {kid: TrustedKey(kid, STORE_KEY, None) for kid in keyring.keys}
    return Trust(keys, f"the keys of {keyring.path}")


def _verify_signed(
    folder: Path,
    body_name: str,
    sig_name: str,
    keyring: Keyring,
    trust: Trust,
    problem: Callable[..., None],
    report: RecordReport,
) -> bytes:
    data = (folder / body_name).read_bytes()
    report.bytes_checked += len(data)
    try:
        signature = Signature.from_bytes((folder / sig_name).read_bytes())
    except (OSError, ValueError) as exc:
        problem("signature", f"{sig_name}: {exc}", path=sig_name)
        return data
    check = check_signature(body_name, signature, data, keyring, trust)
    report.signing_key_id, report.key_trust = check.key_id, check.trust
    if check.refused:
        problem("signature", check.refused, path=sig_name)
    if check.invalid:
        problem("signature", f"{body_name} (sha256 {sha256_bytes(data)[:16]}...): {check.invalid}", path=body_name)
    return data


def read_links(store: EvidenceStore, ids: Iterable[str]) -> tuple[list[Link], list[Problem]]:
    links, problems = [], []
    for rid in ids:
        try:
            link = store.link(rid)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(Problem("chain", f"cannot read the chain link: {exc}", rid))
            continue
        links.append(link)
    return links, problems


def check_chain(links: list[Link], complete: bool = True) -> list[Problem]:
    """Sequence numbers must be unique and consecutive, each record must name its predecessor's hash.

    `complete=False` (an export of a subset) only checks links between consecutive sequence numbers.
    """
    problems: list[Problem] = []
    ordered = sorted(links, key=lambda link: link.sequence)
    if complete and ordered and ordered[0].sequence != 1:
        problems.append(
            Problem(
                "chain",
                f"records with sequence 1..{ordered[0].sequence - 1} are missing "
                f"before {ordered[0].record_id}",
                ordered[0].record_id,
            )
        )
    if complete and ordered and ordered[0].sequence == 1 and ordered[0].previous_manifest_sha256 is not None:
        problems.append(Problem("chain", "first record names a predecessor", ordered[0].record_id))
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        if cur.sequence == prev.sequence:
            problems.append(
                Problem(
                    "chain",
                    f"sequence {cur.sequence} used by both {prev.record_id} and {cur.record_id}",
                    cur.record_id,
                )
            )
            continue
        if cur.sequence != prev.sequence + 1:
            if complete:
                missing = (
                    f"{prev.sequence + 1}"
                    if cur.sequence == prev.sequence + 2
                    else f"{prev.sequence + 1}..{cur.sequence - 1}"
                )
                problems.append(
                    Problem(
                        "chain",
                        f"link broken between sequence {prev.sequence} ({prev.record_id}) and "
                        f"{cur.sequence} ({cur.record_id}): record(s) {missing} missing "
                        f"({cur.record_id} names predecessor {cur.previous_record_id})",
                        cur.record_id,
                        expected=cur.previous_manifest_sha256,
                        actual="missing",
                    )
                )
            continue
        if cur.previous_manifest_sha256 != prev.manifest_sha256 or cur.previous_record_id != prev.record_id:
            if cur.previous_record_id == prev.record_id:
                why = f"{prev.record_id}'s manifest no longer has the hash {cur.record_id} recorded for it"
            else:
                why = (
                    f"{cur.record_id} names predecessor {cur.previous_record_id}, "
                    f"but sequence {prev.sequence} is {prev.record_id}"
                )
            problems.append(
                Problem(
                    "chain",
                    f"link {prev.sequence}->{cur.sequence} broken: {why}",
                    cur.record_id,
                    expected=cur.previous_manifest_sha256,
                    actual=prev.manifest_sha256,
                )
            )
    return problems


def verify_store(
    root: Path,
    trust: Trust | None = None,
    rows: dict[str, RowInfo] | None = None,
    complete: bool = True,
) -> VerifyReport:
    """Every record and the chain; `trust` None trusts the store's own keyring."""
    store = EvidenceStore(root)
    trust = trust if trust is not None else store_trust(root)
    report = VerifyReport(notes=list(trust.notes))
    keyring = load_keyring(store, report)
    ids = store.record_ids()
    for rid in ids:
        report.records.append(verify_bundle(store.bundle_dir(rid), keyring, trust))
    links, link_problems = read_links(store, ids)
    report.chain.extend(link_problems)
    report.chain.extend(check_chain(links, complete))
    if complete:
        report.other.extend(_check_head(store, links))
        for name, folder in (("staging", store.staging), ("pending", store.pending)):
            if folder.is_dir() and any(folder.iterdir()):
                report.other.append(
                    Problem("store", f"unfinished writes in .{name}/ (run `enforce recover`)")
                )
    if rows is not None:
        report.other.extend(check_rows(store, links, rows))
    return report


def verify_record(
    root: Path,
    record_id: str,
    trust: Trust | None = None,
    rows: dict[str, RowInfo] | None = None,
) -> VerifyReport:
    """One record, its link to its predecessor and its successor's link to it."""
    store = EvidenceStore(root)
    trust = trust if trust is not None else store_trust(root)
    report = VerifyReport(notes=list(trust.notes))
    if not store.bundle_dir(record_id).is_dir():
        report.other.append(
            Problem("store", f"no bundle for record {record_id} in {store.records}", record_id)
        )
        return report
    keyring = load_keyring(store, report)
    report.records.append(verify_bundle(store.bundle_dir(record_id), keyring, trust))
    links, problems = read_links(store, store.record_ids())
    report.chain.extend(problems)
    by_seq = {link.sequence: link for link in links}
    me = next((link for link in links if link.record_id == record_id), None)
    if me is not None:
        neighbours = [by_seq[s] for s in (me.sequence - 1, me.sequence + 1) if s in by_seq]
        if me.sequence > 1 and me.sequence - 1 not in by_seq:
            report.chain.append(
                Problem(
                    "chain",
                    f"predecessor (sequence {me.sequence - 1}, {me.previous_record_id}) is missing",
                    record_id,
                )
            )
        report.chain.extend(check_chain([me, *neighbours], complete=False))
        if rows is not None:
            report.other.extend(check_rows(store, [me], {k: v for k, v in rows.items() if k == record_id}))
    return report


def check_rows(store: EvidenceStore, links: list[Link], rows: dict[str, RowInfo]) -> list[Problem]:
    problems = []
    by_id = {link.record_id: link for link in links}
    for rid, row in sorted(rows.items()):
        link = by_id.get(rid)
        if link is None:
            problems.append(
                Problem("database", f"database row points at {row.bundle_path}, which has no bundle", rid)
            )
            continue
        if row.manifest_sha256 != link.manifest_sha256:
            problems.append(
                Problem(
                    "database",
                    "database manifest hash differs from the bundle's",
                    rid,
                    path=MANIFEST_NAME,
                    expected=row.manifest_sha256,
                    actual=link.manifest_sha256,
                )
            )
        if row.sequence != link.sequence:
            problems.append(
                Problem(
                    "database",
                    f"database has sequence {row.sequence}, the ledger {link.sequence}",
                    rid,
                    expected=str(row.sequence),
                    actual=str(link.sequence),
                )
            )
        if row.tombstoned != link.tombstoned:
            state = "tombstoned" if link.tombstoned else "live"
            problems.append(
                Problem("database", f"bundle is {state} but the database row says otherwise", rid)
            )
    for rid in sorted(set(by_id) - set(rows)):
        problems.append(Problem("database", "bundle has no database row (run `enforce recover`)", rid))
    return problems


def _check_head(store: EvidenceStore, links: list[Link]) -> list[Problem]:
    try:
        head = store.read_head()
    except (OSError, ValueError, KeyError) as exc:
        return [Problem("head", f"ledger_head.json unreadable: {exc}")]
    if head is None:
        return [Problem("head", "ledger_head.json is missing")] if links else []
    newest = max(links, key=lambda link: link.sequence, default=None)
    if newest is None or head.sequence > newest.sequence:
        return [
            Problem(
                "head",
                f"ledger head is sequence {head.sequence} ({head.record_id}) but the newest record "
                f"is {newest.sequence if newest else 'none'}: records at the end were deleted",
                head.record_id,
            )
        ]
    if head.sequence < newest.sequence:
        return [
            Problem(
                "head",
                f"ledger head at {head.sequence} lags the newest record {newest.sequence} "
                "(run `enforce recover`)",
                newest.record_id,
            )
        ]
    if head.manifest_sha256 != newest.manifest_sha256 or head.record_id != newest.record_id:
        return [
            Problem(
                "head",
                "ledger head does not match the newest record",
                newest.record_id,
                expected=head.manifest_sha256,
                actual=newest.manifest_sha256,
            )
        ]
    return []


def load_keyring(store: EvidenceStore, report: VerifyReport) -> Keyring:
    """The store's keyring; an unreadable one is a problem and an empty keyring."""
    try:
        return Keyring(store.keyring_path)
    except (OSError, ValueError, KeyError) as exc:
        report.other.append(Problem("signature", f"keyring.json unreadable: {exc}", path="keyring.json"))
        empty = Keyring.__new__(Keyring)
        empty.path, empty.keys = store.keyring_path, {}
        return empty
