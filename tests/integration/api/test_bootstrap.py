"""First start creates one admin with a random password kept in an owner-only file."""

from __future__ import annotations

import stat
from pathlib import Path

from api.auth.secrets import verify_password
from api.bootstrap import bootstrap_admin
from api.db.base import make_engine, make_session_factory
from api.db.models import User


def test_bootstrap_admin_once(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    secret = tmp_path / "var" / "initial-admin-password"
    try:
        assert bootstrap_admin(factory, secret) is True
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        password = secret.read_text().strip()
        assert len(password) >= 20
        with factory() as session:
            [admin] = session.query(User).all()
            assert admin.username == "admin" and admin.role == "admin"
            assert admin.password_hash and password not in admin.password_hash
            assert verify_password(admin.password_hash, password)
        assert bootstrap_admin(factory, tmp_path / "other") is False  # users exist: nothing created
        assert not (tmp_path / "other").exists()
    finally:
        engine.dispose()
