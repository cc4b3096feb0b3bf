"""Migration 0011 gives survey areas an address, grid code and responsible unit, and takes them away."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from api.db.migrate import alembic_config, upgrade

PLACE = {"address", "grid_code", "responsible_unit"}


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_survey_area_place_columns_come_and_go(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0011")
    engine = create_engine(empty_database_url)
    try:
        assert PLACE <= {c["name"] for c in inspect(engine).get_columns("survey_areas")}
        command.downgrade(alembic_config(empty_database_url), "0010")
        assert not PLACE & {c["name"] for c in inspect(engine).get_columns("survey_areas")}
    finally:
        engine.dispose()
