"""Real footage in which nobody parks gives no parking case (the real-data kit's clips, MANIFEST §3):
the expressway, motorway and Beijing queue clips, a no-parking zone over the lanes with 5 s and 20 s
stop times, at 1, 2 and 4 analysed fps, with the kit's COCO INT8 detector and the shipped one."""

from __future__ import annotations

import pytest

from api.pipeline.real_clips import PARKING_NEGATIVES, false_cases, realdata_root

pytestmark = pytest.mark.slow


def test_no_parking_case_on_real_moving_traffic() -> None:
    missing = [c.name for c in PARKING_NEGATIVES if not (realdata_root() / "clips" / f"{c.name}.mp4").is_file()]
    assert not missing, f"real-data kit clips missing under {realdata_root()}: {missing}"
    rows = false_cases()
    assert len(rows) == 2 * len(PARKING_NEGATIVES) * 3
    cases = [row for row in rows if row[3]]
    assert cases == [], f"false parking cases (detector, clip, fps, count): {cases}"
