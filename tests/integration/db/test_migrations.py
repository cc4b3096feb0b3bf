"""Migrations bring an empty database to head on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from api.db.base import Base
from api.db.migrate import current_head, upgrade

EXPECTED_TABLES = {
    "cameras", "zones", "camera_health", "events", "reviews", "evidence_records", "users",
    "api_keys", "survey_areas", "flights", "drone_uploads", "audit_log",
}


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_upgrade_empty_database(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert EXPECTED_TABLES <= tables
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == current_head()
        # the migrations create exactly the columns the models declare
        for table in Base.metadata.sorted_tables:
            declared = {c.name for c in table.columns}
            actual = {c["name"] for c in inspect(engine).get_columns(table.name)}
            assert declared == actual, table.name
    finally:
        engine.dispose()
    upgrade(empty_database_url)  # a second run is a no-op, not an error
