"""Chunks of an upload land in a part file at their offset; a complete, checksummed file moves into place.

A chunk is read whole before any byte is written, so a chunk cut off mid-transfer leaves the part
file and `bytes_received` as they were and the client resumes from there.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import defaultdict
from pathlib import Path

_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()


def upload_lock(upload_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks[upload_id]


def part_path(upload_dir: Path, upload_id: str) -> Path:
    return upload_dir / "partial" / f"{upload_id}.part"


def final_path(upload_dir: Path, flight_id: int, filename: str) -> Path:
    return upload_dir / "flights" / str(flight_id) / filename


def write_chunk(path: Path, offset: int, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o640)
    try:
        os.pwrite(fd, data, offset)
        os.ftruncate(fd, offset + len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def move_into_place(part: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise FileExistsError(final.name)
    os.replace(part, final)
