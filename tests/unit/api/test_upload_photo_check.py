"""Photo checks at upload completion, with Ultralytics loaded as in the running product (it replaces
PIL's `Image.open` with one that tries to install a package when a file is not an image it knows)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import ultralytics  # noqa: F401 - the patch is installed on import, as in `enforce run`
from PIL import Image

from api.uploads.content import ContentError
from api.uploads.verify import check_file


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_whole_photo_passes(tmp_path: Path) -> None:
    part = tmp_path / "01ABC.part"  # the partial file has no ending of its own
    part.write_bytes(jpeg_bytes())
    check_file(part, "still", "p.jpg")


@pytest.mark.parametrize("data", [b"\x00" * 200, jpeg_bytes()[:300]], ids=["not an image", "cut off"])
def test_a_broken_photo_is_named_not_a_crash(tmp_path: Path, data: bytes) -> None:
    part = tmp_path / "01ABC.part"
    part.write_bytes(data)
    with pytest.raises(ContentError, match="'p.jpg' cannot be decoded as a photo"):
        check_file(part, "still", "p.jpg")
