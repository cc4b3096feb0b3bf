"""A small synthetic before/after pair (640x360, 1 fps) shared by the drone integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from vision.synth.aerial.pairs import PairOptions, make_pair, plan_pair

SMALL = PairOptions(size_m=100.0, margin_m=22.0, width=640, height=360, fps=1.0)


@pytest.fixture(scope="session")
def small_pair(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed = next(s for s in range(4_000_000, 4_000_100) if len(plan_pair(s, SMALL)[5]) >= 1)
    folder = tmp_path_factory.mktemp("pair")
    make_pair(seed, folder, SMALL)
    return folder
