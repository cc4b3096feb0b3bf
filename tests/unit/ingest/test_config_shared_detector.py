"""The `shared_detector:` section of the cameras file: defaults, the shipped file, and errors that name
the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import ConfigError, load_config, load_config_text
from vision.detectors.config import SharedDetectorConfig

REPO = Path(__file__).resolve().parents[3]


def test_defaults_share_with_small_batches_and_a_short_wait() -> None:
    config = load_config_text("cameras: []\n")
    assert config.shared_detector == SharedDetectorConfig(enabled=True, max_batch=4, max_wait_ms=10.0, workers=None)


def test_the_section_is_read() -> None:
    text = "shared_detector:\n  enabled: false\n  max_batch: 8\n  max_wait_ms: 0\n  workers: 2\n"
    config = load_config_text(text)
    assert config.shared_detector == SharedDetectorConfig(enabled=False, max_batch=8, max_wait_ms=0, workers=2)


def test_shipped_file_shares_its_detectors() -> None:
    sharing = load_config(REPO / "configs" / "cameras.yaml").shared_detector
    assert sharing.enabled and sharing.max_batch >= 2


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("max_batch: 0", "shared_detector.max_batch", "greater than or equal to 1"),
        ("max_batch: 65", "shared_detector.max_batch", "less than or equal to 64"),
        ("max_batch: two", "shared_detector.max_batch", "valid integer"),
        ("max_wait_ms: -1", "shared_detector.max_wait_ms", "greater than or equal to 0"),
        ("max_wait_ms: 5000", "shared_detector.max_wait_ms", "less than or equal to 1000"),
        ("workers: 0", "shared_detector.workers", "greater than or equal to 1"),
        ("workers: many", "shared_detector.workers", "valid integer"),
        ("max_wait: 10", "shared_detector.max_wait", "unknown field"),
    ],
)
def test_bad_values_name_the_field_and_line(line: str, field: str, expected: str) -> None:
    text = f"cameras: []\nshared_detector:\n  enabled: true\n  {line}\n"
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, source="cams.yaml")
    [issue] = caught.value.issues
    assert (issue.field, issue.line) == (field, 4)
    assert expected in issue.message
    assert str(caught.value).startswith(f"cams.yaml:{issue.line}: {field}: ")
