"""Vote plate readings across the frames of one track."""

from __future__ import annotations

from collections import defaultdict

from domain.types import PlateReading
from vision.plates.reader import PlateCandidate


class PlateVoter:
    """Confidence-weighted vote per text. The result's confidence is the winner's mean OCR
    confidence times its share of all the weight, so disagreement between frames lowers it."""

    def __init__(self) -> None:
        self.candidates: list[PlateCandidate] = []

    def add(self, candidate: PlateCandidate) -> None:
        self.candidates.append(candidate)

    def __len__(self) -> int:
        return len(self.candidates)

    def settled(self, votes: int, share: float) -> bool:
        """The leading text has at least `votes` reads and `share` of all the weight: more reads
        cannot change the result."""
        if len(self.candidates) < votes:
            return False
        weights: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)
        for c in self.candidates:
            weights[c.text] += c.confidence
            counts[c.text] += 1
        text = max(weights, key=lambda t: (weights[t], t))
        return counts[text] >= votes and weights[text] >= share * sum(weights.values())

    def best(self) -> PlateReading | None:
        if not self.candidates:
            return None
        weights: dict[str, float] = defaultdict(float)
        for c in self.candidates:
            weights[c.text] += c.confidence
        text = max(weights, key=lambda t: (weights[t], t))
        winners = [c for c in self.candidates if c.text == text]
        share = weights[text] / sum(weights.values())
        mean = weights[text] / len(winners)
        sharpest = max(winners, key=lambda c: c.confidence)
        return PlateReading(
            text=text, confidence=round(mean * share, 4), crop=sharpest.crop, votes=len(winners)
        )
