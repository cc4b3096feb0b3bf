"""`enforce run --ray`: offered in --help, and an empty address is refused before anything starts."""

from __future__ import annotations

from typer.testing import CliRunner

from api.cli import app


def test_run_offers_ray() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    assert result.exit_code == 0 and "--ray" in result.output and "ADDRESS|auto" in result.output


def test_run_refuses_an_empty_ray_address() -> None:
    result = CliRunner().invoke(app, ["run", "--ray", " "])
    assert result.exit_code == 2
    assert "--ray needs a cluster address (host:port) or 'auto'" in result.output
