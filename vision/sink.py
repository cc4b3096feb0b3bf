"""Where violations go: one protocol for street cameras and drone flights.

`source` says where a violation came from and is what the evidence stage needs to describe it: a
camera's configuration for street cameras, a flight's description for drone jobs.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar, runtime_checkable

from domain.types import Violation

SourceT = TypeVar("SourceT")
SourceT_contra = TypeVar("SourceT_contra", contravariant=True)


@runtime_checkable
class ViolationSink(Protocol[SourceT_contra]):
    """Turns a violation into an evidence record and a pending event. Must not lose what it accepted;
    `violation.episode_key` identifies it (idempotent)."""

    def submit(self, violation: Violation, source: SourceT_contra, /) -> None: ...


class ListSink(Generic[SourceT]):
    """Keeps what it is given (for demos, evaluation and tests that check what would be written)."""

    def __init__(self) -> None:
        self.submitted: list[tuple[Violation, SourceT]] = []

    def submit(self, violation: Violation, source: SourceT, /) -> None:
        self.submitted.append((violation, source))

    @property
    def violations(self) -> list[Violation]:
        return [violation for violation, _ in self.submitted]
