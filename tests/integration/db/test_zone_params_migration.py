"""Migration 0009 moves every zone's rule parameters from per-kind columns into `params` and back."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from api.db.migrate import alembic_config, upgrade
from api.db.models import Zone
from api.db.zones import zone_config
from vision.violations.barbecue import BarbecueWatchZone
from vision.violations.mud_truck import WorksiteExitZone
from vision.violations.parking import NoParkingZone

POLYGON = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]
OLD_COLUMNS = (
    "dwell_seconds", "photo_interval_seconds", "exit_direction", "min_evidence_frames",
    "evidence_window_frames", "persistence_seconds",
)
# name, kind, active hours, the 0008 columns that are set (the rest stay NULL), the zone read back
ZONES: list[tuple[str, str, list[str], dict[str, Any], Any]] = [
    ("curb", "no_parking", ["07:00-19:00"], {"dwell_seconds": 300.0, "photo_interval_seconds": 60.0},
     NoParkingZone.model_validate({"kind": "no_parking", "name": "curb", "polygon": POLYGON,
                                   "active_hours": ["07:00-19:00"], "dwell_seconds": 300.0,
                                   "photo_interval_seconds": 60.0})),
    ("lane", "no_parking", [], {"dwell_seconds": 12.5, "photo_interval_seconds": 2.5},
     NoParkingZone.model_validate({"kind": "no_parking", "name": "lane", "polygon": POLYGON,
                                   "dwell_seconds": 12.5, "photo_interval_seconds": 2.5})),
    ("gate", "worksite_exit", ["22:00-06:00"],
     {"exit_direction": "down", "min_evidence_frames": 2, "evidence_window_frames": 5},
     WorksiteExitZone.model_validate({"kind": "worksite_exit", "name": "gate", "polygon": POLYGON,
                                      "active_hours": ["22:00-06:00"], "exit_direction": "down",
                                      "min_evidence_frames": 2, "evidence_window_frames": 5})),
    ("square", "barbecue_watch", ["18:00-02:00", "11:00-13:00"], {"persistence_seconds": 120.0},
     BarbecueWatchZone.model_validate({"kind": "barbecue_watch", "name": "square", "polygon": POLYGON,
                                       "active_hours": ["18:00-02:00", "11:00-13:00"],
                                       "persistence_seconds": 120.0})),
]


def _insert_at_0008(conn: Any) -> None:
    conn.execute(
        text("INSERT INTO cameras (id, name, source_url, timezone, lat, lon, address, grid_code, "
             "responsible_unit, analysis_fps, decode, detectors, enabled, origin, created_at, updated_at) "
             "VALUES ('cam', 'cam', 'file:x.mp4', 'Asia/Shanghai', 30, 120, 'a', 'g', 'u', 5, 'full', "
             "'[\"street\"]', :on, 'yaml', '2026-05-01 08:00:00+00', '2026-05-01 08:00:00+00')"),
        {"on": True},
    )
    for position, (name, kind, hours, values, _) in enumerate(ZONES):
        columns = {c: values.get(c) for c in OLD_COLUMNS}
        conn.execute(
            text(f"INSERT INTO zones (camera_id, position, name, kind, polygon, active_hours, "
                 f"{', '.join(OLD_COLUMNS)}) VALUES ('cam', :position, :name, :kind, :polygon, :hours, "
                 f"{', '.join(':' + c for c in OLD_COLUMNS)})"),
            {"position": position, "name": name, "kind": kind, "polygon": str(POLYGON),
             "hours": str(hours).replace("'", '"'), **columns},
        )


def _old_columns(conn: Any) -> dict[str, dict[str, Any]]:
    rows = conn.execute(text(f"SELECT name, {', '.join(OLD_COLUMNS)} FROM zones")).mappings().all()
    return {r["name"]: {c: r[c] for c in OLD_COLUMNS if r[c] is not None} for r in rows}


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_zone_params_survive_upgrade_and_downgrade(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0008")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _insert_at_0008(conn)
        upgrade(empty_database_url, "0009")
        with Session(engine) as session:
            rows = {z.name: z for z in session.scalars(select(Zone))}
            assert {name: row.params for name, row in rows.items()} == {n: v for n, _, _, v, _ in ZONES}
            assert {name: zone_config(row) for name, row in rows.items()} == {n: z for n, *_, z in ZONES}
        command.downgrade(alembic_config(empty_database_url), "0008")
        with engine.connect() as conn:
            assert _old_columns(conn) == {n: v for n, _, _, v, _ in ZONES}
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_downgrade_refuses_parameters_0008_cannot_hold(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0008")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _insert_at_0008(conn)
        upgrade(empty_database_url, "0009")
        with Session(engine) as session:
            session.add(Zone(camera_id="cam", position=9, name="stall", kind="vending_watch", polygon=POLYGON,
                             active_hours=[], params={"persistence_seconds": 60.0, "min_people": 1}))
            session.commit()
        with pytest.raises(RuntimeError, match="zone 'stall' .* no column for: min_people"):
            command.downgrade(alembic_config(empty_database_url), "0008")
    finally:
        engine.dispose()
