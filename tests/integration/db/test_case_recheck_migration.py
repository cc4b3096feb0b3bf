"""Migration 0012 adds the re-check table (核查 after 处置) and takes it away again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from api.db.migrate import alembic_config, upgrade


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_case_recheck_table_comes_and_goes(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0012")
    engine = create_engine(empty_database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("case_rechecks")}
        assert {"event_id", "case_status_id", "state", "outcome", "reason", "record_id", "notify_url"} <= columns
        command.downgrade(alembic_config(empty_database_url), "0011")
        assert "case_rechecks" not in inspect(engine).get_table_names()
        assert "case_status" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
