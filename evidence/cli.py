"""`enforce verify`, `enforce keys ...` and `enforce evidence ...`; registered on the main CLI by api/cli.py.

This module does not import api/: the caller passes a settings getter (evidence_dir, signing_key,
database_url) and a factory that turns a database URL into a row sink.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from evidence.errors import SigningKeyError
from evidence.export import export_zip
from evidence.keys import Keyring, Signer, public_pem, rotate_key
from evidence.recovery import recover
from evidence.retention import tombstone
from evidence.settings import EvidenceSettings
from evidence.sink import RecordSink, RowInfo
from evidence.store import EvidenceStore
from evidence.trust import Trust, given_trust, store_trust
from evidence.verify import Problem, VerifyReport, verify_record, verify_store
from evidence.verify_export import verify_zip

SettingsGetter = Callable[[], EvidenceSettings]
SinkFactory = Callable[[str], RecordSink]


def register(app: typer.Typer, settings: SettingsGetter, sink_factory: SinkFactory) -> None:
    """Add `verify`, `keys` and `evidence` to the given typer app."""
    keys_app = typer.Typer(help="Evidence signing keys.", no_args_is_help=True)
    evidence_app = typer.Typer(help="Evidence store maintenance.", no_args_is_help=True)
    app.add_typer(keys_app, name="keys")
    app.add_typer(evidence_app, name="evidence")

    @app.command()
    def verify(
        target: Annotated[str | None, typer.Argument(help="RECORD_ID, or an exported BUNDLE.zip.")] = None,
        all_records: Annotated[
            bool, typer.Option("--all", help="Verify every record and the whole chain.")
        ] = False,
        trusted_key: Annotated[
            list[str] | None,
            typer.Option(
                help="Trust only this public key (PEM file, or key id) instead of the store's keys; repeatable."
            ),
        ] = None,
        allow_untrusted: Annotated[
            bool,
            typer.Option(
                "--allow-untrusted",
                help="Do not fail on keys that are not trusted (integrity only; reported as UNTRUSTED).",
            ),
        ] = False,
        no_db: Annotated[bool, typer.Option("--no-db", help="Skip the database cross-check.")] = False,
    ) -> None:
        """Check files, hashes, signatures and the chain; name each record's signing key and its trust.

        Trusted: the store's own keys (its keyring, ENFORCE_SIGNING_KEY's public key), or only the keys given with --trusted-key. Keys inside a ZIP are never trusted by being there. Exit 0 only when everything verifies.
        """  # noqa: E501 - one paragraph in --help
        trusted = _trust(settings, trusted_key).allowing_untrusted(allow_untrusted)
        if target and target.lower().endswith(".zip"):
            report = verify_zip(Path(target), trusted)
        elif all_records or target:
            s = settings()
            rows, db_problem = (None, None) if no_db else _rows(sink_factory, s.database_url)
            if all_records:
                report = verify_store(s.evidence_dir, trusted, rows)
            else:
                assert target is not None
                report = verify_record(s.evidence_dir, target, trusted, rows)
            if db_problem:
                report.other.append(db_problem)
        else:
            typer.echo("give a RECORD_ID, a BUNDLE.zip or --all", err=True)
            raise typer.Exit(2)
        _print(report)
        raise typer.Exit(0 if report.ok else 1)

    @keys_app.command("export-public")
    def export_public(
        out: Annotated[Path | None, typer.Option(help="Write the PEM here instead of stdout.")] = None,
    ) -> None:
        """Print the current signing key's public key (PEM) and its key id (creates the key on first run)."""
        signer = Signer.load_or_create(settings().signing_key)
        pem = public_pem(signer.public_key)
        if out:
            out.write_bytes(pem)
            typer.echo(f"public key {signer.key_id} written to {out}")
        else:
            typer.echo(pem.decode().rstrip())
            typer.echo(f"key id: {signer.key_id}", err=True)

    @keys_app.command("rotate")
    def rotate() -> None:
        """Replace the signing key; the old public key stays in the store keyring so old records verify."""
        s = settings()
        Signer.load_or_create(s.signing_key)
        old, new = rotate_key(s.signing_key, Keyring(EvidenceStore(s.evidence_dir).keyring_path))
        typer.echo(f"signing key rotated: {old} -> {new}")

    @evidence_app.command("export")
    def export(
        record_ids: Annotated[list[str], typer.Argument(help="Record ids to export.")],
        out: Annotated[Path, typer.Option(help="ZIP file to write.")],
    ) -> None:
        """Write a ZIP of records, their signatures and public keys, and a record list signed by the
        signing key (ENFORCE_SIGNING_KEY); it verifies offline with that key's public key."""
        s = settings()
        try:
            export_zip(s.evidence_dir, record_ids, out, Signer.load_or_create(s.signing_key))
        except KeyError as exc:
            typer.echo(str(exc.args[0]), err=True)
            raise typer.Exit(2) from None
        except SigningKeyError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        typer.echo(f"{len(record_ids)} record(s) exported to {out}")

    @evidence_app.command("recover")
    def recover_cmd() -> None:
        """Finish or remove writes a crash left behind (also runs when a writer starts)."""
        s = settings()
        logging.basicConfig(level=logging.INFO)
        report = recover(EvidenceStore(s.evidence_dir), sink_factory(s.database_url))
        for line in report.actions:
            typer.echo(line)
        typer.echo(
            f"recovery done: {len(report.actions)} actions, {len(report.rows_failed)} rows still failing"
        )
        raise typer.Exit(1 if report.rows_failed else 0)

    @evidence_app.command("tombstone")
    def tombstone_cmd(
        record_id: Annotated[str, typer.Argument()],
        reason: Annotated[str, typer.Option(help="Why the media are deleted (e.g. retention-180d).")],
    ) -> None:
        """Delete a record's media under the retention policy, leaving a signed tombstone in the chain."""
        s = settings()
        signer = Signer.load_or_create(s.signing_key)
        try:
            tombstone(
                EvidenceStore(s.evidence_dir),
                signer,
                sink_factory(s.database_url),
                record_id,
                reason,
                datetime.now(UTC),
            )
        except (KeyError, ValueError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        typer.echo(f"record {record_id} tombstoned")


def _trust(settings: SettingsGetter, values: list[str] | None) -> Trust:
    """The keys given with --trusted-key, or else the store's own keys."""
    if values:
        try:
            return given_trust(values)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--trusted-key") from None
    s = settings()
    return store_trust(s.evidence_dir, s.signing_key)


def _rows(sink_factory: SinkFactory, url: str) -> tuple[dict[str, RowInfo] | None, Problem | None]:
    try:
        return sink_factory(url).rows(), None
    except Exception as exc:  # noqa: BLE001 - any DB failure is reported, never hidden
        return None, Problem("database", f"database not checked ({type(exc).__name__}); use --no-db to skip")


def _print(report: VerifyReport) -> None:
    """Summary, signers and warnings on stdout; problems on stderr when verification failed."""
    typer.echo(report.summary())
    for line in report.signer_lines():
        typer.echo(f"  {line}")
    for line in report.warnings():
        typer.echo(line)
    for problem in report.problems:
        typer.echo(f"  {problem}", err=not report.ok)
