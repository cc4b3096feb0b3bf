"""CPU priority of a thread: routine camera analysis gives way to the evidence of confirmed violations.

On a saturated machine every runnable thread gets an equal share of the cores, so the evidence writer
(one thread) would wait behind twenty camera threads and a confirmed violation would reach the reviewer
seconds late. Camera threads and plate readers lower their own priority (a higher nice value, which
needs no privilege); the shared detector's workers, which every camera waits on, sit between them and
the process's priority; the evidence writer and the API keep the process's. When the writer has nothing
to do the cameras have the cores to themselves; only who waits under contention changes.

Linux sets the nice value of one thread (a task); elsewhere this does nothing. Threads a thread starts
(a decoder's, an encoder's) inherit its value.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

CAMERA_NICE = 10  # nice 10 weighs about a tenth of nice 0 in the Linux scheduler
# The one detector thread the cameras of a process share (vision/detectors/shared.py): every camera waits
# on it, so at a camera's weight it would get one share in twenty-odd and all of them would queue behind
# it. Between the cameras and the evidence writer: nice 5 weighs about three camera threads.
DETECTOR_NICE = 5
MAX_NICE = 19


def lower_thread_priority(steps: int) -> int | None:
    """Give the calling thread a nice value `steps` above the process's (its main thread's), at most 19;
    a thread already that low (one started by a camera thread) keeps its value. Returns the thread's
    value, or None where it cannot be set per thread (not Linux, or refused)."""
    if steps <= 0 or not sys.platform.startswith("linux"):
        return None
    tid = threading.get_native_id()
    try:
        nice = min(MAX_NICE, os.getpriority(os.PRIO_PROCESS, os.getpid()) + steps)
        nice = max(nice, os.getpriority(os.PRIO_PROCESS, tid))
        os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError as exc:
        log.warning("thread %s keeps its CPU priority: %s", threading.current_thread().name, exc)
        return None
    return nice


def thread_nice() -> int | None:
    """The calling thread's nice value (None where threads have none of their own)."""
    if not sys.platform.startswith("linux"):
        return None
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
