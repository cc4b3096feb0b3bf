"""Kill the writer with a real SIGKILL at random points (and at every commit step): never a half record,
never a row without its bundle; after `recover`, the store, chain and database agree exactly."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.db.evidence_sink import DatabaseRecordSink
from api.db.models.event import Event
from evidence.keys import Keyring
from evidence.recovery import recover
from evidence.store import EvidenceStore
from evidence.verify import verify_bundle, verify_store
from tests.integration.evidence.helpers import add_camera

REPO = Path(__file__).resolve().parents[3]
CHILD = [sys.executable, "-m", "tests.integration.evidence.crash_writer"]
STEPS = ["staging", "staged", "marked", "committed", "head", "rows"]
RANDOM_BUDGET_S = 12.0  # per backend


def spawn(store: Path, key: Path, url: str, first: int, *kill: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [*CHILD, str(store), str(key), url, str(first), *kill],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check_before_recovery(store: EvidenceStore, sink: DatabaseRecordSink) -> None:
    keyring = Keyring(store.keyring_path)
    ids = set(store.record_ids())
    for rid in ids:  # every visible bundle is whole
        report = verify_bundle(store.bundle_dir(rid), keyring)
        assert report.ok, [str(p) for p in report.problems]
    rows = sink.rows()
    orphans = set(rows) - ids
    assert not orphans, f"rows without bundles: {orphans}"


def check_after_recovery(store: EvidenceStore, sink: DatabaseRecordSink, url: str) -> int:
    report = recover(store, sink)
    print("recovery:", report.actions)
    assert not report.rows_failed
    result = verify_store(store.root, rows=sink.rows())
    assert result.ok, result.lines()
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            events = session.scalar(select(func.count()).select_from(Event))
    finally:
        engine.dispose()
    assert events == len(store.record_ids())  # one pending event per (primary) record, no more, no less
    return len(store.record_ids())


@pytest.mark.slow
def test_sigkill_at_random_points(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    store, key = EvidenceStore(tmp_path / "store"), tmp_path / "keys" / "signing.key"
    sink = DatabaseRecordSink.from_url(database_url)
    rng = random.Random(20261122)
    deadline = time.monotonic() + RANDOM_BUDGET_S
    iterations, first = 0, 0
    while time.monotonic() < deadline or iterations < 4:
        child = spawn(store.root, key, database_url, first)
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        check_before_recovery(store, sink)
        first = check_after_recovery(store, sink, database_url) + 1000
        iterations += 1
    print(f"{iterations} SIGKILL iterations, {len(store.record_ids())} records")
    assert iterations >= 4
    assert len(store.record_ids()) >= iterations  # every child wrote at least its first record


@pytest.mark.slow
def test_sigkill_at_each_commit_step(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    store, key = EvidenceStore(tmp_path / "store"), tmp_path / "keys" / "signing.key"
    sink = DatabaseRecordSink.from_url(database_url)
    before = 0
    for n, step in enumerate(STEPS):
        child = spawn(store.root, key, database_url, 100 * n, step, "2")  # die inside the 2nd write
        child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
        check_before_recovery(store, sink)
        after = check_after_recovery(store, sink, database_url)
        committed = STEPS.index(step) >= STEPS.index("committed")
        assert after == before + 1 + int(committed), step  # the 2nd record exists iff it was renamed in
        before = after
