"""Each photo's drift offset reaches the console beside its marks, for the original and annotated copy."""

from __future__ import annotations

from api.routes.evidence_files import _offsets_by_path


def test_each_photo_gets_its_own_offset_and_records_without_one_get_none() -> None:
    record = {
        "photos": [
            {"original": "original/01-arrival.png", "annotated": "annotated/01-arrival.jpg", "view_offset": [0, 0]},
            {
                "original": "original/02-confirmation.png",
                "annotated": "annotated/02-confirmation.jpg",
                "view_offset": [12.5, -6],
            },
            {"original": "original/03-old.png", "annotated": "annotated/03-old.jpg"},  # written before offsets
            {"original": "original/04-bad.png", "view_offset": "north"},
        ]
    }
    assert _offsets_by_path(record) == {
        "original/01-arrival.png": [0.0, 0.0],
        "annotated/01-arrival.jpg": [0.0, 0.0],
        "original/02-confirmation.png": [12.5, -6.0],
        "annotated/02-confirmation.jpg": [12.5, -6.0],
    }
    assert _offsets_by_path({}) == {} and _offsets_by_path({"photos": "none"}) == {}
