"""A small pool of plate-reading threads shared by the cameras of one process.

Cameras hand a read over and go on with their next frame; the result comes back through a callback
in a pool thread. Reads are opportunistic (the next one comes a second later), so a full pool turns
a read away instead of queueing it: a slow reader never delays a camera. Reading is camera analysis:
its threads run at the cameras' lower CPU priority (`nice`), below the evidence writer.

`confirming` is the exception: a read a confirmed violation waits for (its track had no voted plate yet)
runs in a thread of its own at the priority of the thread that made the pool (the process's), so it is
not done at a camera's share of a core while the violation waits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from domain.thread_priority import CAMERA_NICE, lower_thread_priority

log = logging.getLogger(__name__)
T = TypeVar("T")


class PlatePool:
    def __init__(self, workers: int = 1, max_pending: int = 4, nice: int = CAMERA_NICE):
        if workers < 1 or max_pending < 1:
            raise ValueError(f"plate pool needs workers >= 1 and max_pending >= 1, got {workers}, {max_pending}")
        self.max_pending = max_pending
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="plate-read", initializer=lower_thread_priority, initargs=(nice,)
        )
        # started here, by the thread that makes the pool (the app's), so its thread keeps that priority
        self._confirming = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plate-confirm")
        self._confirming.submit(lambda: None).result()
        self._lock = threading.Lock()
        self._pending = 0
        self.turned_away = 0  # reads refused because the pool was full
        self.done = 0

    def submit(self, read: Callable[[], T], on_result: Callable[[T | None], None]) -> bool:
        """Run `read` in a pool thread and pass its result (None if it raised) to `on_result` there.
        False, and nothing runs, when `max_pending` reads are already waiting or running."""
        with self._lock:
            if self._pending >= self.max_pending:
                self.turned_away += 1
                return False
            self._pending += 1
        try:
            self._executor.submit(self._run, read, on_result)
        except RuntimeError:  # the pool was closed
            with self._lock:
                self._pending -= 1
            return False
        return True

    def _run(self, read: Callable[[], T], on_result: Callable[[T | None], None]) -> None:
        result: T | None = None
        try:
            result = read()
        except Exception:  # noqa: BLE001 - one bad read must not end the pool thread
            log.exception("plate read failed")
        finally:
            with self._lock:
                self._pending -= 1
                self.done += 1
        on_result(result)

    def confirming(self, read: Callable[[], T]) -> T:
        """Run a read a confirmed violation waits for, at the pool maker's priority, and return its
        result (its exception is raised here). Runs in the calling thread once the pool is closed."""
        try:
            future = self._confirming.submit(read)
        except RuntimeError:  # the pool was closed
            return read()
        return future.result()

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def close(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
        self._confirming.shutdown(wait=wait)

