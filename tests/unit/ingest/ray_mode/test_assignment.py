"""Camera placement: sticky, balanced, a lost node's cameras spread over the rest, full nodes refuse."""

from __future__ import annotations

import pytest

from ingest.ray_mode.assignment import assign


@pytest.mark.parametrize(
    ("cameras", "capacity", "current", "expected"),
    [
        # new cameras spread over the nodes, most free room first
        (["a", "b", "c", "d"], {"n1": 4, "n2": 4}, {}, {"a": "n1", "b": "n2", "c": "n1", "d": "n2"}),
        # cameras stay where they run, even when that is unbalanced
        (["a", "b", "c"], {"n1": 4, "n2": 4}, {"a": "n1", "b": "n1", "c": "n1"}, {"a": "n1", "b": "n1", "c": "n1"}),
        # a lost node (n2 no longer offered): its cameras go to the remaining nodes, the others stay
        (
            ["a", "b", "c", "d"], {"n1": 4, "n3": 4}, {"a": "n1", "b": "n2", "c": "n1", "d": "n2"},
            {"a": "n1", "c": "n1", "b": "n3", "d": "n3"},
        ),
        # removed cameras free their room; a node over capacity keeps only what fits
        (
            ["a", "b", "c"], {"n1": 2, "n2": 2}, {"a": "n1", "b": "n1", "c": "n1", "x": "n2"},
            {"a": "n1", "b": "n1", "c": "n2"},
        ),
        # no room anywhere: left out, not overfilled
        (["a", "b", "c"], {"n1": 1, "n2": 1}, {}, {"a": "n1", "b": "n2"}),
        (["a"], {}, {"a": "gone"}, {}),
    ],
)
def test_assign(
    cameras: list[str], capacity: dict[str, int], current: dict[str, str], expected: dict[str, str]
) -> None:
    assert assign(cameras, capacity, current) == expected
