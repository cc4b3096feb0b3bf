"""Calling something from several threads at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor


def together(calls: Sequence[Callable[[], object]]) -> list[object]:
    """Run the calls on their own threads, released at once by a barrier; what each returned or raised."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        start.wait()
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the caller looks at what each call got
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
