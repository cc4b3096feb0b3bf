"""Migration 0015 turns the JSON null kept for a case's missing vehicle box or look into SQL NULL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade
from evidence.synthetic import make_context, make_violation
from tests.integration.evidence.helpers import T0, add_camera
from tests.integration.evidence.test_one_case_per_stay import stay, writer


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_json_nulls_become_sql_nulls(empty_database_url: str, tmp_path: Path) -> None:
    upgrade(empty_database_url, "0014")
    add_camera(empty_database_url)
    w = writer(tmp_path, empty_database_url)
    w.write(stay("cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"), make_context())
    w.write(make_violation(episode_key="cam-1:gate:mud_truck:20261122T100000Z", start=T0 + timedelta(hours=2)),
            make_context())
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as conn:  # what the JSON column wrote for None before
            conn.execute(text("UPDATE events SET object_box = 'null', appearance = 'null' WHERE object_box IS NULL"))
        upgrade(empty_database_url, "0015")
        with engine.connect() as conn:
            nulls = conn.execute(
                text("SELECT COUNT(*) FROM events WHERE object_box IS NULL AND appearance IS NULL")
            ).scalar()
            boxes = conn.execute(text("SELECT COUNT(*) FROM events WHERE object_box IS NOT NULL")).scalar()
    finally:
        engine.dispose()
    assert (nulls, boxes) == (1, 1)
