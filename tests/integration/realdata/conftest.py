from __future__ import annotations

from pathlib import Path

import pytest

from api.pipeline.real_clips import realdata_root


@pytest.fixture(scope="session")
def kit() -> Path:
    """The real-data kit's root; tests that need it skip where it is absent."""
    root = realdata_root()
    if not (root / "MANIFEST.md").is_file():
        pytest.skip(f"real-data kit not found at {root} (set ENFORCE_REALDATA)")
    return root
