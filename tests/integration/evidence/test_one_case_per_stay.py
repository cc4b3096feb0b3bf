"""One case per stay, enforced by the evidence store and the database, not by one process's memory:
a second writer on the same store, a restarted camera that opens a new episode key, and the episode
journal that lets a restarted camera resume its open episodes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from api.db.base import make_engine, make_session_factory
from api.db.episode_journal import DbEpisodeJournal
from api.db.evidence_sink import DatabaseRecordSink
from api.db.models.event import Event
from domain.types import ObjectIdentity, PlateReading, Violation
from evidence.dedup import DedupPolicy
from evidence.keys import Signer
from evidence.synthetic import make_context, make_violation
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import T0, add_camera
from vision.episodes import EpisodeSighting
from vision.identity import appearance_of

BOX = (1 / 3, 1 / 2, 1 / 3 + 1 / 4, 5 / 6)  # make_violation's vehicle, normalised


def stay(
    key: str, start_s: float = 0.0, plate: str = "浙A12345", confidence: float = 0.5, white: bool = False
) -> Violation:
    """A parking violation whose vehicle (box, appearance) is the one in its photos: the synthetic
    red car, or a white one with a dark window band in its place."""
    v = make_violation(start=T0 + timedelta(seconds=start_s), episode_key=key, width=96, height=64, clip_frames=2)
    pixels = np.array([c * s for c, s in zip(BOX, (96, 64, 96, 64), strict=True)], np.float32)
    x1, y1, x2, y2 = (int(round(c)) for c in pixels)
    if white:
        for shot in v.photos:
            shot.frame.image[y1:y2, x1:x2] = (235, 235, 235)
            shot.frame.image[y1 + 3 : y1 + 9, x1 + 3 : x2 - 3] = (20, 20, 20)
    look = appearance_of(v.photos[-1].frame.image, pixels)
    assert look is not None
    assert v.plate is not None
    return dataclasses.replace(
        v,
        plate=PlateReading(plate, confidence, v.plate.crop, 1),
        identity=ObjectIdentity(BOX, tuple(look.to_list())),
    )


def events(database_url: str) -> list[Event]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Event).order_by(Event.id)))
    finally:
        engine.dispose()


def writer(tmp_path: Path, database_url: str, **options: object) -> EvidenceWriter:
    w = EvidenceWriter(
        tmp_path / "store", Signer.load_or_create(tmp_path / "k"), DatabaseRecordSink.from_url(database_url),
        with_clip=False, **options,  # type: ignore[arg-type]
    )
    w.open()
    return w


def test_two_writers_on_one_store_open_one_case_for_the_same_vehicle(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    first, second = writer(tmp_path, database_url), writer(tmp_path, database_url)  # both open before any write
    a = first.write(stay("cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"), make_context())
    b = second.write(stay("cam-1:zone-a:illegal_parking:20261122T080001Z@0.458,0.833", start_s=1), make_context())
    assert (a.kind, b.kind) == ("primary", "supplement")
    [event] = events(database_url)
    assert event.detection_count == 2 and event.evidence_record_id == a.record_id


def test_a_different_vehicle_in_the_same_place_is_its_own_case(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    w = writer(tmp_path, database_url)
    w.write(stay("cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"), make_context())
    w.write(stay("cam-1:zone-a:illegal_parking:20261122T080001Z@0.458,0.833", start_s=1, white=True), make_context())
    assert [e.detection_count for e in events(database_url)] == [1, 1]


def test_confident_plates_that_differ_are_two_cases_whatever_the_look(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    w = writer(tmp_path, database_url)
    w.write(stay("cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833", confidence=0.95), make_context())
    w.write(
        stay("cam-1:zone-a:illegal_parking:20261122T080001Z@0.458,0.833", start_s=1, plate="浙B99999", confidence=0.95),
        make_context(),
    )
    assert len(events(database_url)) == 2


def test_the_database_refuses_a_second_event_for_an_episode_key(tmp_path: Path, database_url: str) -> None:
    """Even when the writer's own index does not match (here: a zero window), the unique episode key
    counts the second primary record on the first one's event."""
    add_camera(database_url)
    w = writer(tmp_path, database_url, dedup=DedupPolicy(window_s=0.0, match_plate=False, same_look=1.01))
    key = "cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"
    a = w.write(stay(key), make_context())
    b = w.write(stay(key, start_s=900), make_context())
    assert (a.kind, b.kind) == ("primary", "primary")
    [event] = events(database_url)
    assert event.evidence_record_id == a.record_id and event.detection_count == 2
    assert event.last_seen_at == b.manifest.confirmed_at


def test_the_journal_hands_back_open_episodes_until_they_end(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    key = "cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"
    record = writer(tmp_path, database_url).write(stay(key, confidence=0.95), make_context())
    journal = DbEpisodeJournal(make_session_factory(make_engine(database_url)))
    [known] = journal.open_episodes("cam-1")
    assert (known.key, known.zone_name, known.violation_type) == (key, "zone-a", "illegal_parking")
    assert known.box == BOX and known.plate_text == "浙A12345"
    assert known.appearance is not None
    assert known.appearance.similarity(known.appearance) > 0.999
    assert known.first_seen_at == T0 and known.last_seen_at == record.manifest.confirmed_at
    later = record.manifest.confirmed_at + timedelta(minutes=5)
    journal.seen([EpisodeSighting(key, later)])
    assert [k.last_seen_at for k in journal.open_episodes("cam-1")] == [later]
    assert journal.open_episodes("cam-2") == []
    journal.ended([EpisodeSighting(key, later + timedelta(seconds=30))])
    assert journal.open_episodes("cam-1") == []
    [event] = events(database_url)
    assert event.episode_ended_at == later + timedelta(seconds=30)


def test_cases_without_a_vehicle_box_do_not_stop_a_restart(tmp_path: Path, database_url: str) -> None:
    """A case whose record names no vehicle box (a mud truck's: it drove on) has nothing to resume. The
    journal passes it over, also on rows written before a missing box was kept as SQL NULL (JSON `null`)."""
    add_camera(database_url)
    w = writer(tmp_path, database_url)
    parked = "cam-1:zone-a:illegal_parking:20261122T080000Z@0.458,0.833"
    w.write(stay(parked, confidence=0.95), make_context())
    boxless = make_violation(episode_key="cam-1:gate:mud_truck:20261122T100000Z", start=T0 + timedelta(hours=2))
    assert boxless.identity is None
    w.write(boxless, make_context())
    assert [e.object_box for e in events(database_url)][1] is None
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:  # kept as SQL NULL now; stored as JSON null before migration 0015
            assert connection.execute(text("SELECT COUNT(*) FROM events WHERE object_box IS NULL")).scalar() == 1
            connection.execute(text("UPDATE events SET object_box = 'null' WHERE object_box IS NULL"))
        journal = DbEpisodeJournal(make_session_factory(engine))
        assert [k.key for k in journal.open_episodes("cam-1")] == [parked]
    finally:
        engine.dispose()


def test_a_vehicle_box_that_is_not_four_numbers_is_passed_over_and_said(caplog: pytest.LogCaptureFixture) -> None:
    from api.db.episode_journal import _known

    row = Event(id=7, episode_key="cam-1:zone-a:illegal_parking:x", object_box=["a", 1, 2, 3], camera_id="cam-1")
    assert _known(row) is None
    assert "event 7: its vehicle box is not four numbers" in caplog.text
