"""What a bundle holds: exact originals, separate annotated copies with the caption band, an H.264 clip."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from evidence.bundle import BundleFiles, content_digest, verification_code
from evidence.synthetic import make_context
from tests.unit.evidence.conftest import StoreFixture, small


def test_originals_are_the_exact_pixels(store: StoreFixture) -> None:
    violation = small(0)
    bundle = store.bundle(0)
    for i, photo in enumerate(violation.photos, start=1):
        original = cv2.imread(str(bundle / f"original/{i:02d}-{photo.role}.png"))
        assert np.array_equal(original, photo.frame.image)
        annotated = cv2.imread(str(bundle / f"annotated/{i:02d}-{photo.role}.jpg"))
        assert (
            annotated.shape[1] == original.shape[1] and annotated.shape[0] > original.shape[0]
        )  # caption band


def test_clip_is_h264_with_every_frame(store: StoreFixture) -> None:
    manifest = store.records[0].manifest
    assert manifest.clip is not None and manifest.clip.codec == "h264"
    with av.open(str(store.bundle(0) / "clip.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = list(container.decode(stream))
    assert len(frames) == manifest.clip.frame_count == 3
    assert (manifest.clip.last_captured_at - manifest.clip.first_captured_at).total_seconds() == 0.4
    assert abs(float(frames[-1].time or 0) - 0.4) < 0.05  # timing follows the capture timestamps


def test_verification_code_derives_from_content_without_annotated_files(store: StoreFixture) -> None:
    manifest = store.records[1].manifest
    body = manifest.model_dump(mode="json")
    assert manifest.content_sha256 == content_digest(body)
    assert manifest.verification_code == verification_code(manifest.content_sha256)
    body["files"] = [f for f in body["files"] if f["kind"] != "annotated"]  # annotated entries never count
    assert content_digest(body) == manifest.content_sha256


def test_record_carries_context_and_times(store: StoreFixture) -> None:
    m = store.records[2].manifest
    ctx = make_context()
    assert (m.place, m.timezone, m.weights_sha256, m.detector_type) == (
        ctx.place,
        ctx.timezone,
        ctx.weights_sha256,
        ctx.detector_type,
    )
    assert [p.role for p in m.photos] == ["arrival", "interval", "confirmation"]
    assert all(p.captured_at.utcoffset() is not None for p in m.photos)
    assert m.object.plate_text == "浙A00002" and m.plate_image == "plate.png"
    assert {f.kind for f in m.files} == {"original", "annotated", "plate", "clip"}


def test_files_keep_their_order_while_originals_are_made_beside_the_clip(store: StoreFixture) -> None:
    """The originals' PNGs are made in other threads while the clip is encoded; the manifest still lists
    the originals in photo order, then the plate close-up, the clip and the annotated copies."""
    manifest = store.records[2].manifest
    kinds = [f.kind for f in manifest.files]
    assert kinds == ["original"] * 3 + ["plate", "clip"] + ["annotated"] * 3
    assert [f.path for f in manifest.files if f.kind == "original"] == [p.original for p in manifest.photos]
    originals = [cv2.imread(str(store.bundle(2) / p.original)) for p in manifest.photos]
    assert not np.array_equal(originals[0], originals[-1])  # distinct pictures: a mix-up would show


def test_encoded_originals_must_match_the_photos(tmp_path: Path) -> None:
    photos = small(0).photos
    with pytest.raises(ValueError, match="2 encoded originals for 3 photos"):
        BundleFiles(tmp_path).add_originals(photos, [b"png", b"png"])
