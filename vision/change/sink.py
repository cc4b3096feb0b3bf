"""Where findings go: any object with `submit(violation, ...)` (the evidence writer implements it)."""

from __future__ import annotations

from typing import Protocol

from vision.types import Violation


class ViolationSink(Protocol):
    def submit(self, violation: Violation, **meta: object) -> object:
        """Store the evidence for one violation; `violation.episode_key` identifies it (idempotent)."""
        ...


class ListSink:
    """Keeps what it is given (for demos, evaluation and tests that check what would be written)."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def submit(self, violation: Violation, **meta: object) -> object:
        self.violations.append(violation)
        return violation.episode_key
