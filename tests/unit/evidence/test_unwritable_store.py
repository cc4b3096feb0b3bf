"""A read-only or full store gives a clear error; the violation is kept (spool outside the store) and
written by the next call once the store is writable again. Uses real tmpfs mounts where we may mount
(root), else real permissions (non-root)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.errors import StoreUnavailableError
from evidence.keys import Signer
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_context
from evidence.verify import verify_store
from evidence.writer import EvidenceWriter
from tests.unit.evidence.conftest import small


class Volume:
    """A folder we can make read-only (or small) for real: a tmpfs mount as root, chmod otherwise."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir()
        self.mounted = os.geteuid() == 0 and self._mount("size=64m")

    def _mount(self, options: str) -> bool:
        return (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(self.path)], capture_output=True
            ).returncode
            == 0
        )

    def read_only(self, on: bool) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(self.path)], check=True)
        elif os.geteuid() == 0:
            pytest.skip("root without mount permission: cannot make a folder read-only for real")
        else:
            for folder, dirs, _files in os.walk(self.path):
                for d in [folder, *(os.path.join(folder, d) for d in dirs)]:
                    os.chmod(d, 0o555 if on else 0o755)

    def resize(self, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(self.path)], check=True)

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)
        else:
            self.read_only(False)


@pytest.fixture
def volume(tmp_path: Path) -> Iterator[Volume]:
    vol = Volume(tmp_path / "vol")
    yield vol
    vol.close()


def test_read_only_store_keeps_violation_for_retry(volume: Volume, tmp_path: Path) -> None:
    key, spool = tmp_path / "signing.key", tmp_path / "spool"  # spool lives outside the store
    sink = MemoryRecordSink()
    writer = EvidenceWriter(volume.path / "store", Signer.load_or_create(key), sink, spool_dir=spool)
    writer.write(small(0), make_context())
    volume.read_only(True)
    with pytest.raises(StoreUnavailableError) as info:
        writer.write(small(1), make_context())
    message = str(info.value)
    assert str(volume.path / "store") in message
    assert ("read-only file system (EROFS)" if volume.mounted else "permission denied (EACCES)") in message
    assert "cam-1:z:1" in message and "kept for retry" in message and f"in spool {spool}" in message
    assert len(writer.spool) == 1 and (spool / str(info.value.spool_id) / "item.json").exists()
    with pytest.raises(StoreUnavailableError):  # still unwritable: both kept, nothing lost
        writer.write(small(2), make_context())
    assert len(writer.spool) == 2
    volume.read_only(False)
    restarted = EvidenceWriter(volume.path / "store", Signer.load(key), sink, spool_dir=spool)
    record = restarted.write(small(3), make_context())
    assert len(restarted.spool) == 0
    assert record.sequence == 4  # 1 written before, 2 from the spool, then this one
    keys = [
        sink.records[r].manifest.episode_key
        for r in sorted(sink.records, key=lambda r: sink.records[r].sequence)
    ]
    assert keys == ["cam-1:z:0", "cam-1:z:1", "cam-1:z:2", "cam-1:z:3"]
    assert verify_store(volume.path / "store", rows=sink.rows()).ok


def test_full_disk_is_a_clear_error_and_leaves_no_partial_bundle(volume: Volume, tmp_path: Path) -> None:
    if not volume.mounted:
        pytest.skip("needs a real small tmpfs (root)")
    volume.resize("400k")
    sink = MemoryRecordSink()
    writer = EvidenceWriter(
        volume.path / "store", Signer.load_or_create(tmp_path / "k"), sink, spool_dir=tmp_path / "spool"
    )
    with pytest.raises(StoreUnavailableError, match=r"disk full \(ENOSPC\)") as info:
        for i in range(100):
            writer.write(small(i), make_context())
    assert info.value.spool_id is not None and len(writer.spool) == 1
    assert not any((volume.path / "store" / ".staging").iterdir())  # the half-written bundle was removed
    assert verify_store(volume.path / "store", rows=sink.rows()).ok
    written = len(sink.records)
    volume.resize("64m")
    writer.write(small(500), make_context())
    assert len(sink.records) == written + 2 and len(writer.spool) == 0
    assert verify_store(volume.path / "store", rows=sink.rows()).ok


def test_spool_falls_back_to_memory_when_it_is_unwritable_too(volume: Volume, tmp_path: Path) -> None:
    sink = MemoryRecordSink()
    writer = EvidenceWriter(
        volume.path / "store", Signer.load_or_create(tmp_path / "k"), sink, spool_dir=volume.path / "spool"
    )
    writer.write(small(0), make_context())
    volume.read_only(True)
    with pytest.raises(StoreUnavailableError, match=r"in memory only \(") as info:
        writer.write(small(1), make_context())
    assert info.value.spool_id in writer.spool.memory
    volume.read_only(False)
    writer.write(small(2), make_context())
    assert [r.manifest.episode_key for r in sink.records.values()] == ["cam-1:z:0", "cam-1:z:1", "cam-1:z:2"]


def test_threads_draining_the_spool_together_write_each_item_once(tmp_path: Path) -> None:
    sink = MemoryRecordSink()
    writer = EvidenceWriter(
        tmp_path / "store", Signer.load_or_create(tmp_path / "signing.key"), sink, spool_dir=tmp_path / "spool"
    )
    for i in range(4):
        writer.spool.put(small(i), make_context())
    barrier = threading.Barrier(3)

    def drain() -> None:
        barrier.wait()
        writer.retry_spooled()

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    manifests = [record.manifest for record in sink.records.values()]
    assert sorted(m.episode_key for m in manifests) == [f"cam-1:z:{i}" for i in range(4)]
    assert all(m.kind == "primary" for m in manifests)
    assert len(writer.spool) == 0
    assert verify_store(tmp_path / "store", rows=sink.rows()).ok
