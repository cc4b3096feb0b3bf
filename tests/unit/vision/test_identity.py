from __future__ import annotations

import pytest

from vision.identity import Appearance, Verdict, compare, plates_conflict

WHITE = Appearance.from_list([1.0, 0.0, 0.0])
WHITE_TWIN = Appearance.from_list([1.0, 0.01, 0.0])  # similarity 0.99995
BLACK = Appearance.from_list([0.0, 1.0, 0.0])


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("浙A11111", "浙A11111", False),
        ("皖F327J5", "皖F32715", False),  # J read as 1
        ("浙A1234", "浙A12345", False),  # a character dropped
        ("浙A11111", "浙A11122", True),
        ("浙A11111", "浙B22222", True),
        ("浙A123", "浙A12345", True),
    ],
)
def test_plates_conflict_when_more_than_one_character_apart(a: str, b: str, conflict: bool) -> None:
    assert plates_conflict(a, b) is conflict
    assert plates_conflict(b, a) is conflict


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("苏B75128", "苏B7532B", False),  # 1 read as 3 and 8 as B on one small plate
        ("苏B75128", "苏B7532", False),  # a substitution and a dropped character
        ("苏B75128", "苏B7632B", True),
        ("浙A11111", "浙B22222", True),
    ],
)
def test_plates_conflict_allows_as_many_misread_characters_as_asked(a: str, b: str, conflict: bool) -> None:
    assert plates_conflict(a, b, misread=2) is conflict
    assert plates_conflict(b, a, misread=2) is conflict


@pytest.mark.parametrize(
    ("a", "b", "plate_a", "plate_b", "verdict"),
    [
        (WHITE, WHITE_TWIN, "浙A11111", "浙B22222", Verdict.DIFFERENT),  # look-alikes, other plates
        (WHITE, BLACK, "浙A11111", "浙A11111", Verdict.SAME),  # one plate, the light changed
        (WHITE, WHITE_TWIN, "皖F327J5", "皖F32715", Verdict.SAME),  # a misread: the look decides
        (WHITE, BLACK, "皖F327J5", "皖F32715", Verdict.DIFFERENT),
        (WHITE, None, "皖F327J5", "皖F32715", Verdict.UNSURE),
        (WHITE, WHITE_TWIN, "浙A11111", None, Verdict.SAME),  # one side unread: the look decides
    ],
)
def test_compare_plates_first_then_looks(a, b, plate_a, plate_b, verdict) -> None:  # noqa: ANN001
    assert compare(a, b, plate_a, plate_b) is verdict
