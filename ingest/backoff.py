"""Exponential backoff with jitter, for reconnects and worker restarts."""

from __future__ import annotations

import random


class Backoff:
    """`next_delay()` grows initial * factor**n up to `maximum`, each spread by +-jitter (a fraction), so
    cameras that dropped together do not reconnect together. `reset()` after a success."""

    def __init__(
        self,
        initial_s: float = 0.5,
        maximum_s: float = 30.0,
        factor: float = 2.0,
        jitter: float = 0.3,
        rng: random.Random | None = None,
    ):
        if not 0 < initial_s <= maximum_s or factor < 1 or not 0 <= jitter < 1:
            raise ValueError("backoff needs 0 < initial <= maximum, factor >= 1, 0 <= jitter < 1")
        self.initial_s, self.maximum_s, self.factor, self.jitter = initial_s, maximum_s, factor, jitter
        self._rng = rng or random.Random()
        self.attempts = 0

    def next_delay(self) -> float:
        base = min(self.maximum_s, self.initial_s * self.factor**self.attempts)
        self.attempts += 1
        return base * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self.attempts = 0
