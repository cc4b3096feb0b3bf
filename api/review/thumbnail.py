"""Queue thumbnails: the confirmation photo of a bundle (annotated if there is one), scaled down."""

from __future__ import annotations

import cv2
import numpy as np

from api.review.evidence import Bundle, EvidenceError, media_path

THUMB_WIDTH = 240


def _photo_path(bundle: Bundle) -> str:
    """The path of the photo that best shows the case: the confirmation's annotated, else its original,
    else the last photo of any kind."""
    photos = [p for p in bundle.record.get("photos") or [] if isinstance(p, dict)]
    confirmation = next((p for p in photos if p.get("role") == "confirmation"), photos[-1] if photos else None)
    for key in ("annotated", "original"):
        if confirmation and isinstance(confirmation.get(key), str):
            return str(confirmation[key])
    images = [f.path for f in bundle.files if f.kind in ("annotated", "original")]
    if not images:
        raise EvidenceError(404, "the evidence record has no photo")
    return images[-1]


def thumbnail_jpeg(bundle: Bundle, width: int = THUMB_WIDTH) -> tuple[bytes, str]:
    """JPEG bytes at most `width` wide, and the manifest path they were made from."""
    entry, path = media_path(bundle, _photo_path(bundle))
    image = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise EvidenceError(502, f"evidence photo {entry.path} cannot be decoded")
    h, w = image.shape[:2]
    if w > width:
        image = cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise EvidenceError(502, f"evidence photo {entry.path} cannot be encoded")
    return bytes(encoded.tobytes()), entry.path
