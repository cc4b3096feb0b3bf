"""Event-level matching: a prediction matches a true violation of the same type, the same object
and an overlapping time.

The object is identified by its plate where both sides have one (parking, trucks) and otherwise by
the zone; the time check asks that the prediction's confirmation falls inside the true episode,
no earlier than the rule could legally confirm it (start + dwell or persistence) minus a tolerance.
Matching is one-to-one, so a second record for the same episode counts as a false positive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TruthEvent:
    violation_type: str
    object_id: str
    zone: str | None
    start_s: float
    end_s: float
    confirm_after_s: float
    plate: str | None = None


@dataclass(frozen=True)
class PredictedEvent:
    violation_type: str
    zone: str | None
    first_seen_s: float
    confirmed_s: float
    plate: str | None = None
    plate_confidence: float | None = None


@dataclass(frozen=True)
class TypeScore:
    violation_type: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0


@dataclass
class MatchResult:
    pairs: list[tuple[TruthEvent, PredictedEvent]] = field(default_factory=list)
    unmatched_truth: list[TruthEvent] = field(default_factory=list)
    unmatched_predictions: list[PredictedEvent] = field(default_factory=list)

    def score(self, violation_type: str) -> TypeScore:
        return TypeScore(
            violation_type,
            sum(1 for t, _ in self.pairs if t.violation_type == violation_type),
            sum(1 for p in self.unmatched_predictions if p.violation_type == violation_type),
            sum(1 for t in self.unmatched_truth if t.violation_type == violation_type),
        )

    def plate_exact_matches(self, violation_type: str) -> tuple[int, int]:
        """(exactly read plates, confirmed violations with a true plate) among matched pairs."""
        with_plate = [(t, p) for t, p in self.pairs if t.violation_type == violation_type and t.plate]
        return sum(1 for t, p in with_plate if p.plate == t.plate), len(with_plate)


def _compatible(truth: TruthEvent, prediction: PredictedEvent, tolerance_s: float) -> bool:
    if truth.violation_type != prediction.violation_type:
        return False
    if truth.zone is not None and prediction.zone is not None and truth.zone != prediction.zone:
        return False
    earliest = truth.confirm_after_s - tolerance_s
    latest = truth.end_s + tolerance_s
    return earliest <= prediction.confirmed_s <= latest


def _cost(truth: TruthEvent, prediction: PredictedEvent) -> tuple[int, float]:
    plate_mismatch = int(bool(truth.plate and prediction.plate and truth.plate != prediction.plate))
    return plate_mismatch, abs(prediction.confirmed_s - truth.confirm_after_s)


def match_events(
    truths: Sequence[TruthEvent], predictions: Sequence[PredictedEvent], tolerance_s: float = 2.0
) -> MatchResult:
    """Greedy one-to-one matching by (plate agreement, time distance)."""
    candidates = sorted(
        (
            (_cost(t, p), ti, pi)
            for ti, t in enumerate(truths)
            for pi, p in enumerate(predictions)
            if _compatible(t, p, tolerance_s)
        ),
        key=lambda c: c[0],
    )
    used_t: set[int] = set()
    used_p: set[int] = set()
    result = MatchResult()
    for _, ti, pi in candidates:
        if ti in used_t or pi in used_p:
            continue
        used_t.add(ti)
        used_p.add(pi)
        result.pairs.append((truths[ti], predictions[pi]))
    result.unmatched_truth = [t for i, t in enumerate(truths) if i not in used_t]
    result.unmatched_predictions = [p for i, p in enumerate(predictions) if i not in used_p]
    return result
