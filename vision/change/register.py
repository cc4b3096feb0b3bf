"""Register a new frame to a baseline frame: SIFT features, ratio test, RANSAC homography, quality score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Features = tuple[list[Any], Any, float]  # keypoints, descriptors (or None), scale used


@dataclass(frozen=True)
class Registration:
    ok: bool
    homography: npt.NDArray[np.float64] | None  # maps new-frame pixels to baseline-frame pixels
    quality: float  # 0..1: inlier share of the ratio-test matches, damped when inliers are few
    inliers: int
    matches: int
    reason: str = ""  # why it failed, when it failed


def _features(image: Image, max_side: int, sift: Any) -> Features:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    scale = min(1.0, max_side / max(gray.shape[:2]))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.createCLAHE(2.0, (8, 8)).apply(gray)  # evens out lighting between dates
    kps, desc = sift.detectAndCompute(gray, None)
    return list(kps), desc, scale


class Registrar:
    def __init__(
        self,
        max_side: int = 1024,
        n_features: int = 3000,
        ratio: float = 0.75,
        min_inliers: int = 25,
        min_quality: float = 0.2,
    ):
        self.sift = cv2.SIFT.create(nfeatures=n_features)
        self.max_side, self.ratio = max_side, ratio
        self.min_inliers, self.min_quality = min_inliers, min_quality
        self._cache: dict[int, Features] = {}

    def clear_cache(self) -> None:
        self._cache.clear()

    def features(self, image: Image, key: int | None = None) -> Features:
        if key is not None and key in self._cache:
            return self._cache[key]
        feats = _features(image, self.max_side, self.sift)
        if key is not None:
            self._cache[key] = feats
        return feats

    def register(self, new: Image, baseline: Image, baseline_key: int | None = None) -> Registration:
        kn, dn, sn = self.features(new)
        kb, db, sb = self.features(baseline, baseline_key)
        if dn is None or db is None or len(kn) < 8 or len(kb) < 8:
            return Registration(
                False, None, 0.0, 0, 0, f"too few features ({len(kn)} new, {len(kb)} baseline)"
            )
        pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(dn, db, k=2)
        good = [m for m, *rest in pairs if rest and m.distance < self.ratio * rest[0].distance]
        if len(good) < self.min_inliers:
            return Registration(
                False,
                None,
                0.0,
                0,
                len(good),
                f"only {len(good)} feature matches (need {self.min_inliers}): little overlap "
                "or the scene changed too much",
            )
        src = np.array([kn[m.queryIdx].pt for m in good], np.float32) / sn
        dst = np.array([kb[m.trainIdx].pt for m in good], np.float32) / sb
        h, mask = cv2.findHomography(src, dst, cv2.RANSAC, 4.0 / min(sn, sb), maxIters=4000, confidence=0.999)
        inliers = int(mask.sum()) if mask is not None else 0
        quality = (inliers / len(good)) * min(1.0, inliers / 100.0)
        if h is None or inliers < self.min_inliers:
            return Registration(
                False,
                None,
                quality,
                inliers,
                len(good),
                f"RANSAC found only {inliers} consistent matches of {len(good)}",
            )
        det = float(np.linalg.det(h[:2, :2]))
        if not 0.2 < det < 5.0 or abs(h[2, 0]) > 1e-2 or abs(h[2, 1]) > 1e-2:
            return Registration(
                False,
                None,
                quality,
                inliers,
                len(good),
                f"implausible homography (scale {det:.2f}); frames do not show the same ground",
            )
        if quality < self.min_quality:
            return Registration(
                False,
                None,
                quality,
                inliers,
                len(good),
                f"registration quality {quality:.2f} below {self.min_quality}",
            )
        return Registration(True, h / h[2, 2], quality, inliers, len(good))
