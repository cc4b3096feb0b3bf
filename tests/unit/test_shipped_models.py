"""Every file shipped under vision/models/ is recorded, with its sha256, in DATA_SOURCES.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "vision" / "models"
SECTION = "## Shipped files"
ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| (?P<sha>[0-9a-f]{64}) \| (?P<licence>[^|]+) \| (?P<origin>[^|]+) \|$")


def recorded() -> dict[str, str]:
    text = (MODELS / "DATA_SOURCES.md").read_text(encoding="utf-8")
    assert SECTION in text, f"DATA_SOURCES.md has no '{SECTION}' section"
    rows = {}
    for line in text.split(SECTION, 1)[1].splitlines():
        if line.startswith("## "):
            break
        match = ROW.match(line.strip())
        if match:
            assert match["path"] not in rows, f"{match['path']} is listed twice"
            assert match["licence"].strip() and match["origin"].strip()
            rows[match["path"]] = match["sha"]
    return rows


def shipped() -> dict[str, str]:
    files = (p for p in MODELS.rglob("*") if p.is_file() and p.suffix != ".md" and "__pycache__" not in p.parts)
    return {p.relative_to(MODELS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_every_shipped_model_file_is_recorded_with_its_sha256() -> None:
    rows, files = recorded(), shipped()
    assert files, "no model files found"
    assert sorted(set(files) - set(rows)) == [], "shipped but not recorded in DATA_SOURCES.md"
    assert sorted(set(rows) - set(files)) == [], "recorded in DATA_SOURCES.md but not shipped"
    changed = sorted(path for path, sha in files.items() if rows[path] != sha)
    assert changed == [], f"sha256 differs from DATA_SOURCES.md: {changed}"
