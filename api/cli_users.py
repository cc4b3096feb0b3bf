"""`enforce user ...`: create users (the bootstrap admin first) from the command line.

The password comes from --password-stdin, or ENFORCE_NEW_USER_PASSWORD, or a hidden prompt;
there is no default password.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from sqlalchemy import select

from api.auth.secrets import hash_password
from api.db.base import make_engine, make_session_factory, session_scope, utcnow
from api.db.models import User
from api.db.models.user import ROLES as ROLES_ALL
from api.settings import get_settings

user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
PASSWORD_ENV = "ENFORCE_NEW_USER_PASSWORD"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        typer.echo(f"no password: use --password-stdin, set {PASSWORD_ENV}, or run in a terminal", err=True)
        raise typer.Exit(2)
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES_ALL)}.")] = "admin",
    display_name: Annotated[str, typer.Option(help="Name shown in the web page.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user (run once with --role admin to bootstrap; then use the API)."""
    from api.audit import record
    from api.db.migrate import upgrade

    if role not in ROLES_ALL:
        typer.echo(f"unknown role {role!r}; expected one of {', '.join(ROLES_ALL)}", err=True)
        raise typer.Exit(2)
    try:
        password_hash = hash_password(_read_password(password_stdin))
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                typer.echo(f"user {username!r} already exists", err=True)
                raise typer.Exit(1)
            now = utcnow()
            user = User(username=username, display_name=display_name, role=role, password_hash=password_hash,
                        created_at=now)
            session.add(user)
            session.flush()
            record(session, None, "user.create", "user", user.id, now, role=role, username=username,
                   via="cli")
    finally:
        engine.dispose()
    typer.echo(f"created {role} {username!r}")
