"""A kind added with one registry line (tests/support/cone_kind.py) appears everywhere kinds are derived:
the config union, build_rule, evidence manifests, the database's zone params and GET /kinds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow  # a fresh interpreter: the unions are built once, at import


def test_a_registered_kind_shows_up_everywhere(database_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.extra_kind_probe", database_url, str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["config_zone"] == "ConeWatchZone"
    assert found["rule"] == "ConeRule"
    assert found["violations"] == [{"kind": "stray_cones", "cone_count": 2}]
    assert found["manifest"] == ["enforce-evidence/2", "ConeDetails"]
    kind = found["api_kind"]
    assert kind["zone_kind"] == "cone_watch" and kind["names"] == {"zh": "锥桶占道", "en": "stray traffic cones"}
    assert set(kind["params_schema"]["properties"]) == {"min_cones", "persistence_seconds"}
    assert "roadworks_permit" in [r["code"] for r in kind["reject_reasons"]]
    assert kind["case_codes"]["minor"] == "0599"
    [zone] = found["api_zone"]
    assert (zone["kind"], zone["min_cones"], zone["persistence_seconds"]) == ("cone_watch", 2, 5.0)
    assert found["db_cameras"] == [found["api_zone"]]


def test_without_the_registry_line_the_kind_is_unknown() -> None:
    from ingest.config.errors import ConfigError
    from ingest.config.loader import load_config_text
    from tests.support.extra_kind_probe import CONFIG

    with pytest.raises(ConfigError, match="cone_watch"):
        load_config_text(CONFIG)
