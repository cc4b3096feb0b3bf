"""Migration 0010 adds the case-system status table and takes it away again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from api.db.migrate import alembic_config, upgrade


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_case_status_table_comes_and_goes(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0010")
    engine = create_engine(empty_database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("case_status")}
        assert {"event_id", "step", "reported_at", "case_number", "actor", "note", "reported_by"} <= columns
        command.downgrade(alembic_config(empty_database_url), "0009")
        assert "case_status" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
