"""The product's full plate path on real footage: the Beijing close-up clip (MANIFEST §3) through the
street analyzer with the kit's COCO detector, the HyperLPR3 locator, LPRNet and the vote per track,
against the 7 plates a person reads on it. Skipped only when the kit is absent."""

from __future__ import annotations

import pytest

from api.pipeline.real_clips import realdata_root
from api.pipeline.real_plates import BEIJING_CLIP, BEIJING_PLATES, TimedReader, beijing_clip_plates

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not realdata_root().is_dir(), reason=f"real-data kit absent at {realdata_root()}"),
]


def test_listed_plates_are_read_on_the_beijing_clip() -> None:
    assert (realdata_root() / "clips" / f"{BEIJING_CLIP}.mp4").is_file()
    result = beijing_clip_plates(TimedReader(), fps=5.0)
    found = result.found()
    assert len(found) >= 5, f"read {found} of {BEIJING_PLATES}; other readings {result.others()}"
    assert "京B06498" in found  # the yellow plate
    assert result.read_calls > 0 and all(r.crop is not None for r in result.readings.values())
