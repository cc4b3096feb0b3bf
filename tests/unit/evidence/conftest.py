"""A small store of signed, chained records, built once and copied for each test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.types import Violation
from evidence.keys import Signer
from evidence.records import EvidenceRecord
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_context, make_violation
from evidence.writer import EvidenceWriter

T0 = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)


def small(i: int, device_id: str = "cam-1", **kw: object) -> Violation:
    args: dict[str, object] = dict(
        device_id=device_id,
        start=T0 + timedelta(hours=i),
        episode_key=f"{device_id}:z:{i}",
        plate_text=f"浙A{i:05d}",
        width=96,
        height=64,
        clip_frames=3,
        seed=i,
    )
    args.update(kw)
    return make_violation(**args)  # type: ignore[arg-type]


@dataclass
class StoreFixture:
    root: Path
    key: Path
    records: list[EvidenceRecord]

    def writer(self, sink: MemoryRecordSink | None = None, **kw: object) -> EvidenceWriter:
        return EvidenceWriter(
            self.root,
            Signer.load(self.key),
            sink or MemoryRecordSink(),
            spool_dir=self.root.parent / "spool",
            **kw,
        )  # type: ignore[arg-type]

    def bundle(self, n: int) -> Path:
        return self.root / self.records[n].bundle_path


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> StoreFixture:
    base = tmp_path_factory.mktemp("evidence-template")
    key = base / "keys" / "signing.key"
    writer = EvidenceWriter(
        base / "store", Signer.load_or_create(key), MemoryRecordSink(), spool_dir=base / "spool"
    )
    records = [writer.write(small(i), make_context()) for i in range(4)]
    return StoreFixture(base / "store", key, records)


@pytest.fixture
def store(built_store: StoreFixture, tmp_path: Path) -> StoreFixture:
    shutil.copytree(built_store.root, tmp_path / "store")
    (tmp_path / "keys").mkdir(mode=0o700)
    shutil.copy2(built_store.key, tmp_path / "keys" / "signing.key")
    return StoreFixture(tmp_path / "store", tmp_path / "keys" / "signing.key", built_store.records)
