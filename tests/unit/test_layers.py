"""Import direction between the packages, so none imports one that imports it back: domain (the
shared value types) imports none of the project; vision imports only domain; evidence and ingest may
import vision but not each other's callers (evidence never imports ingest or api, ingest never imports
api); api is the composition root and imports them all.

Every import statement of every module is read from its source (an AST walk), so imports inside
functions count as well as those at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "domain": {"vision", "ingest", "api", "evidence"},
    "vision": {"ingest", "api", "evidence"},
    "evidence": {"ingest", "api"},
    "ingest": {"api"},
}


def imported_packages(source: str) -> set[tuple[int, str]]:
    """(line, top-level package) of every absolute import in `source`."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def violations(package: str) -> list[str]:
    out = []
    for path in sorted((REPO / package).rglob("*.py")):
        for line, top in sorted(imported_packages(path.read_text(encoding="utf-8"))):
            if top in FORBIDDEN[package]:
                out.append(f"{path.relative_to(REPO)}:{line} imports {top}")
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downwards(package: str) -> None:
    assert len(list((REPO / package).rglob("*.py"))) >= 2  # the walk sees the package's modules
    assert violations(package) == []


def test_the_walk_finds_imports_inside_functions() -> None:
    source = "import os\n\ndef f():\n    from ingest.config import AppConfig\n    import api.app\n"
    assert imported_packages(source) == {(1, "os"), (4, "ingest"), (5, "api")}
