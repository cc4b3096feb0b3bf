"""Event-level matching used by `enforce eval`."""

from __future__ import annotations

from vision.evaluation.matching import PredictedEvent, TruthEvent, match_events

PARKED = TruthEvent("illegal_parking", "car-A", "curb", start_s=10, end_s=44, confirm_after_s=30, plate="浙A12345")
MUDDY = TruthEvent("mud_truck", "truck-1", "gate", start_s=5, end_s=12, confirm_after_s=5, plate="浙B88888")


def predicted(kind: str = "illegal_parking", confirmed: float = 31, plate: str | None = "浙A12345",
              zone: str = "curb") -> PredictedEvent:
    return PredictedEvent(kind, zone, first_seen_s=10, confirmed_s=confirmed, plate=plate)


def test_one_to_one_match_and_scores() -> None:
    result = match_events([PARKED, MUDDY], [predicted(), predicted("mud_truck", 8, "浙B88888", "gate")])
    assert len(result.pairs) == 2
    assert result.score("illegal_parking").precision == 1.0
    assert result.plate_exact_matches("illegal_parking") == (1, 1)


def test_confirmation_before_dwell_is_not_a_match() -> None:
    result = match_events([PARKED], [predicted(confirmed=20)])
    assert result.pairs == []
    score = result.score("illegal_parking")
    assert (score.true_positives, score.false_positives, score.false_negatives) == (0, 1, 1)


def test_duplicate_record_for_one_episode_is_false_positive() -> None:
    result = match_events([PARKED], [predicted(confirmed=31), predicted(confirmed=40)])
    assert len(result.pairs) == 1
    assert result.score("illegal_parking").precision == 0.5


def test_wrong_type_or_zone_does_not_match() -> None:
    assert match_events([PARKED], [predicted(kind="mud_truck")]).pairs == []
    assert match_events([PARKED], [predicted(zone="elsewhere")]).pairs == []


def test_misread_plate_still_matches_but_counts_as_plate_miss() -> None:
    result = match_events([PARKED], [predicted(plate="浙A12346")])
    assert len(result.pairs) == 1
    assert result.plate_exact_matches("illegal_parking") == (0, 1)


def test_plate_agreement_wins_when_two_episodes_overlap() -> None:
    other = TruthEvent("illegal_parking", "car-C", "curb", start_s=12, end_s=44, confirm_after_s=32, plate="浙C00001")
    result = match_events([PARKED, other], [predicted(confirmed=33, plate="浙C00001"), predicted(confirmed=33)])
    assert {(t.object_id, p.plate) for t, p in result.pairs} == {("car-C", "浙C00001"), ("car-A", "浙A12345")}


def test_empty_inputs_score_perfectly() -> None:
    score = match_events([], []).score("open_barbecue")
    assert score.precision == 1.0 and score.recall == 1.0
