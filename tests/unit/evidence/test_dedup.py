"""One record per episode: repeats within the window become signed supplements of the open episode."""

from __future__ import annotations

from datetime import timedelta

from evidence.dedup import DedupPolicy
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_context
from evidence.verify import verify_store
from tests.unit.evidence.conftest import T0, StoreFixture, small

LATER = T0 + timedelta(hours=10)


def test_same_episode_within_window_is_a_supplement(store: StoreFixture) -> None:
    writer = store.writer(dedup=DedupPolicy(window_s=600))
    first = writer.write(small(0, start=LATER, episode_key="cam-1:z:car"), make_context())
    again = writer.write(
        small(0, start=LATER + timedelta(minutes=6), episode_key="cam-1:z:car"), make_context()
    )
    third = writer.write(
        small(0, start=LATER + timedelta(minutes=12), episode_key="cam-1:z:car"), make_context()
    )
    assert first.kind == "primary"
    assert (again.kind, again.manifest.episode_record_id) == ("supplement", first.record_id)
    assert (third.kind, third.manifest.episode_record_id) == ("supplement", first.record_id)
    assert again.manifest.clip is None and len(again.manifest.photos) == 3
    assert verify_store(store.root).ok  # supplements are ordinary signed, chained records


def test_gap_longer_than_window_opens_a_new_episode(store: StoreFixture) -> None:
    writer = store.writer(dedup=DedupPolicy(window_s=600))
    first = writer.write(small(0, start=LATER, episode_key="k"), make_context())
    # confirmed at +5.5 min; the next sighting starts 11 min after that
    later = writer.write(small(0, start=LATER + timedelta(minutes=17), episode_key="k"), make_context())
    assert (first.kind, later.kind) == ("primary", "primary")


def test_same_plate_new_track_attaches_but_other_camera_does_not(store: StoreFixture) -> None:
    writer = store.writer()
    first = writer.write(
        small(0, start=LATER, episode_key="cam-1:z:track-1", plate_text="浙A88888"), make_context()
    )
    retracked = writer.write(
        small(0, start=LATER + timedelta(minutes=6), episode_key="cam-1:z:track-9", plate_text="浙A88888"),
        make_context(),
    )
    other_cam = writer.write(
        small(
            0,
            device_id="cam-2",
            start=LATER + timedelta(minutes=6),
            episode_key="cam-1:z:track-1",
            plate_text="浙A88888",
        ),
        make_context("cam-2"),
    )
    assert retracked.manifest.episode_record_id == first.record_id
    assert other_cam.kind == "primary"


def test_open_episodes_survive_a_restart(store: StoreFixture) -> None:
    first = store.writer().write(small(0, start=LATER, episode_key="k"), make_context())
    restarted = store.writer(sink=MemoryRecordSink())  # a new process: state rebuilt from the ledger
    again = restarted.write(small(0, start=LATER + timedelta(minutes=6), episode_key="k"), make_context())
    assert again.manifest.episode_record_id == first.record_id
