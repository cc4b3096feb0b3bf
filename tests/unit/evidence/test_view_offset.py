"""A photo taken after the camera drifted: its offset from the reference view (where the zone was drawn)
survives the spool, is recorded beside its marks, and the annotated copy draws the zone where it lies."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from domain.types import Violation
from evidence.keys import Signer
from evidence.overlay import ZONE_COLOUR, Caption, annotate
from evidence.sink import MemoryRecordSink
from evidence.spool import Spool
from evidence.synthetic import make_context
from evidence.writer import EvidenceWriter
from tests.unit.evidence.conftest import small

OFFSET = (12.0, -6.0)


def drifted(violation: Violation) -> Violation:
    photos = tuple(
        dataclasses.replace(p, frame=dataclasses.replace(p.frame, offset=(OFFSET[0] * i, OFFSET[1] * i)))
        for i, p in enumerate(violation.photos, start=1)
    )
    return dataclasses.replace(violation, photos=photos)


def test_the_offset_of_each_photo_survives_the_spool(tmp_path: Path) -> None:
    violation = drifted(small(0))
    item_id, _ = Spool(tmp_path / "spool").put(violation, make_context())
    restored, _ = Spool(tmp_path / "spool").get(item_id)
    assert [p.frame.offset for p in restored.photos] == [p.frame.offset for p in violation.photos]
    assert restored.photos[0].frame.offset != (0.0, 0.0)


def test_the_record_holds_each_photos_offset(tmp_path: Path) -> None:
    signer = Signer.create(tmp_path / "keys" / "signing.key")
    writer = EvidenceWriter(tmp_path / "store", signer, MemoryRecordSink(), spool_dir=tmp_path / "spool")
    violation = drifted(small(0))
    record = writer.write(violation, make_context())
    offsets = [entry.view_offset for entry in record.manifest.photos]
    assert offsets == [p.frame.offset for p in violation.photos]


def test_the_annotated_copy_draws_the_zone_where_the_drifted_camera_shows_it() -> None:
    image = np.zeros((120, 200, 3), np.uint8)
    zone = ((0.2, 0.3), (0.7, 0.3), (0.7, 0.8), (0.2, 0.8))
    caption = Caption(
        datetime(2026, 5, 1, tzinfo=UTC),
        "Asia/Shanghai",
        "人民路",
        30.0,
        120.0,
        "cam-1",
        "illegal_parking",
        "AB12",
        "arrival",
    )
    plain = annotate(image, (), zone, caption)[:120]
    moved = annotate(image, (), zone, caption, view_offset=(12.0, -6.0))[:120]
    lines = np.all(plain == ZONE_COLOUR, axis=2)
    assert lines.sum() > 100
    assert np.array_equal(np.all(moved == ZONE_COLOUR, axis=2), np.roll(lines, (-6, 12), axis=(0, 1)))
