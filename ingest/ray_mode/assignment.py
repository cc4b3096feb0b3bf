"""Which node runs which camera: sticky (a camera stays where it runs), balanced for new ones."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)


def assign(
    camera_ids: Sequence[str], capacity: Mapping[str, int], current: Mapping[str, str]
) -> dict[str, str]:
    """Camera id -> node id. A camera keeps its node while that node is still offered and has room;
    the others (new, or from a lost node) go one by one to the node with the most free room.
    Cameras that fit nowhere are left out (and named in the log)."""
    load = dict.fromkeys(capacity, 0)
    placed: dict[str, str] = {}
    for camera_id in camera_ids:
        node = current.get(camera_id)
        if node in load and load[node] < capacity[node]:
            placed[camera_id] = node
            load[node] += 1
    for camera_id in camera_ids:
        if camera_id in placed:
            continue
        free = {node: capacity[node] - n for node, n in load.items() if capacity[node] > n}
        if not free:
            log.error("camera %s not placed: every camera node is full (%d nodes)", camera_id, len(capacity))
            continue
        node = max(sorted(free), key=lambda n: free[n])
        placed[camera_id] = node
        load[node] += 1
    return placed
