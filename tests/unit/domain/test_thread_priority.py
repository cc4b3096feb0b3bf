"""A thread lowers its own CPU priority relative to the process's; asking again changes nothing."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from domain.thread_priority import MAX_NICE, lower_thread_priority, thread_nice

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")


def in_thread(fn):  # noqa: ANN001, ANN201
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_a_thread_lowers_itself_and_no_other() -> None:
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())

    def lower_then_start_a_child() -> tuple[int | None, int | None, int | None]:
        mine = lower_thread_priority(5)
        child = in_thread(lambda: (thread_nice(), lower_thread_priority(5)))  # inherits; asking again: the same
        return mine, *child  # type: ignore[return-value]

    assert in_thread(lower_then_start_a_child) == (process + 5, process + 5, process + 5)
    assert thread_nice() == process  # the calling thread keeps the process's priority


def test_the_value_stops_at_the_lowest_priority_and_zero_steps_do_nothing() -> None:
    assert in_thread(lambda: (lower_thread_priority(100), thread_nice())) == (MAX_NICE, MAX_NICE)
    assert in_thread(lambda: (lower_thread_priority(0), thread_nice())) == (None, thread_nice())
