"""Seeded random streams: the same (seed, stream names) always gives the same numbers."""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: int | str) -> int:
    if isinstance(part, int):
        return part & 0xFFFFFFFF
    return zlib.crc32(part.encode("utf-8"))


def make_rng(seed: int, *stream: int | str) -> np.random.Generator:
    """A generator for `seed` and an optional named sub-stream (e.g. make_rng(7, "frame", 12))."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    entropy = [seed & 0xFFFFFFFF, seed >> 32, *(_key(p) for p in stream)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def choice(rng: np.random.Generator, items: list, p: list[float] | None = None):  # type: ignore[no-untyped-def]
    """rng.choice for a plain list of arbitrary items (returns the item, not a numpy scalar)."""
    return items[int(rng.choice(len(items), p=p))]
