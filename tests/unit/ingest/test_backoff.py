import random

from ingest.backoff import Backoff


def test_delays_grow_exponentially_with_jitter_and_cap() -> None:
    backoff = Backoff(initial_s=0.5, maximum_s=8, factor=2, jitter=0.2, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(8)]
    for delay, base in zip(delays, [0.5, 1, 2, 4, 8, 8, 8, 8], strict=True):
        assert base * 0.8 <= delay <= base * 1.2
    assert len({round(d, 6) for d in delays[4:]}) > 1  # jitter spreads cameras that dropped together
    backoff.reset()
    assert backoff.next_delay() <= 0.6
