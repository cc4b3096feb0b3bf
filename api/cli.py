"""The `enforce` command. Subcommands are only the ones that work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli_drone import drone_app, synth_aerial_app
from api.cli_eval import eval_command
from api.cli_synth import synth_app, train_command
from api.cli_users import user_app
from api.db.evidence_sink import DatabaseRecordSink
from api.logging_setup import configure_logging
from api.settings import get_settings
from evidence.cli import register as register_evidence_commands
from ingest.config import ConfigError, load_config

app = typer.Typer(help="Non-contact enforcement pipeline.", no_args_is_help=True, add_completion=False)
config_app = typer.Typer(help="Camera registry configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
app.command("eval")(eval_command)
register_evidence_commands(app, get_settings, DatabaseRecordSink.from_url)  # verify, keys, evidence
app.add_typer(synth_app, name="synth")
app.command("train")(train_command)
app.add_typer(user_app, name="user")
app.add_typer(synth_aerial_app, name="synth-aerial")
app.add_typer(drone_app, name="drone")


HostOption = Annotated[str, typer.Option(help="Address to bind.")]
PortOption = Annotated[int, typer.Option(help="Port to bind.")]


def _start_server(host: str, port: int, *, pipeline: bool, ray_address: str | None = None) -> None:
    """Validate the cameras file first (a bad one fails with file:line: field), then serve."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        load_config(settings.config)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    bootstrap = Path("var/initial-admin-password") if pipeline else None
    app_ = create_app(settings, pipeline=pipeline, bootstrap_admin_file=bootstrap, ray_address=ray_address)
    uvicorn.run(app_, host=host, port=port, log_config=None)


@app.command()
def serve(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Run the review API only (migrates the database and seeds cameras from ENFORCE_CONFIG first)."""
    _start_server(host, port, pipeline=False)


RayOption = Annotated[
    str | None,
    typer.Option(
        "--ray",
        metavar="ADDRESS|auto",
        help="Run the camera workers on this Ray cluster (head host:port, or 'auto') instead of in-process.",
    ),
]


@app.command()
def run(host: HostOption = "127.0.0.1", port: PortOption = 8000, ray: RayOption = None) -> None:
    """Run everything: API, camera workers, drone jobs, evidence writer (SIGTERM stops cleanly).
    On first start an 'admin' user gets a one-time password in var/initial-admin-password.
    With --ray the camera workers run as actors on a Ray cluster (README, Deployment)."""
    if ray is not None and not ray.strip():
        typer.echo("--ray needs a cluster address (host:port) or 'auto'", err=True)
        raise typer.Exit(2)
    _start_server(host, port, pipeline=True, ray_address=ray)


@config_app.command("check")
def config_check(
    file: Annotated[Path | None, typer.Argument(help="Cameras YAML (default: ENFORCE_CONFIG).")] = None,
) -> None:
    """Validate a cameras file and check that the weights and `file:` footage it names exist on this
    machine; print every problem with its line and field (exit status 2 if there is any)."""
    from ingest.config.files import missing_files

    path = file or get_settings().config
    try:
        config = load_config(path)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    missing = missing_files(config, Path(path).read_text(encoding="utf-8"))
    if missing:
        typer.echo(str(ConfigError(str(path), missing)), err=True)
        raise typer.Exit(2)
    zones = sum(len(c.zones) for c in config.cameras)
    detectors = len(config.detectors)
    typer.echo(f"{path}: ok ({len(config.cameras)} cameras, {zones} zones, {detectors} detectors)")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply database migrations to ENFORCE_DATABASE_URL."""
    from api.db.migrate import upgrade
    from ingest.redact import mask_text

    settings = get_settings()
    configure_logging(settings.log_level)
    upgrade(settings.database_url, revision)
    typer.echo(f"database {mask_text(settings.database_url)} at {revision}")


if __name__ == "__main__":
    app()
