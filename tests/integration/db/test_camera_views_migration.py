"""Migration 0014 adds the table of cameras' remembered views and takes it away again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from api.db.migrate import alembic_config, upgrade


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_camera_views_table_comes_and_goes(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0014")
    engine = create_engine(empty_database_url)
    try:
        inspector = inspect(engine)
        assert {c["name"] for c in inspector.get_columns("camera_views")} == {
            "camera_id",
            "zones_key",
            "picture",
            "taken_at",
            "updated_at",
        }
        [fk] = inspector.get_foreign_keys("camera_views")
        assert fk["referred_table"] == "cameras" and fk["options"].get("ondelete") == "CASCADE"
        assert inspector.get_pk_constraint("camera_views")["constrained_columns"] == ["camera_id"]
        command.downgrade(alembic_config(empty_database_url), "0013")
        assert "camera_views" not in inspect(engine).get_table_names()
        assert "cameras" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
