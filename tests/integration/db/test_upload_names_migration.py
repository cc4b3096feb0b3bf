"""Migration 0008 keeps one upload per (flight, file name) from databases that allowed two."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade

ROWS = [  # id, file name, status, bytes received, created at
    ("A" * 26, "a.mp4", "bad_checksum", 100, "2026-05-01 08:00:00"),
    ("B" * 26, "a.mp4", "complete", 100, "2026-05-01 08:01:00"),
    ("C" * 26, "b.mp4", "uploading", 10, "2026-05-01 08:00:00"),
    ("D" * 26, "b.mp4", "uploading", 50, "2026-05-01 08:02:00"),
    ("E" * 26, "c.mp4", "bad_checksum", 100, "2026-05-01 08:00:00"),
    ("F" * 26, "c.mp4", "bad_checksum", 100, "2026-05-01 08:03:00"),
]


@pytest.mark.parametrize(
    "empty_database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_duplicate_upload_names_are_reduced_to_the_best_row(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0005")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO flights (id, flown_on, status, progress, created_at) "
                              "VALUES (1, '2026-05-01', 'created', 0, '2026-05-01 08:00:00+00')"))
            for upload_id, name, status, received, at in ROWS:
                conn.execute(
                    text("INSERT INTO drone_uploads (id, flight_id, filename, kind, size_bytes, sha256, "
                         "bytes_received, status, created_at) VALUES (:id, 1, :name, 'video', 100, :sha, "
                         ":received, :status, :at)"),
                    {"id": upload_id, "name": name, "sha": "0" * 64, "received": received, "status": status,
                     "at": f"{at}+00"},
                )
        upgrade(empty_database_url, "0008")
        with engine.connect() as conn:
            kept = dict(conn.execute(text("SELECT filename, id FROM drone_uploads")).all())
    finally:
        engine.dispose()
    assert kept == {"a.mp4": "B" * 26, "b.mp4": "D" * 26, "c.mp4": "F" * 26}
