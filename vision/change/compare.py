"""Compare one new frame with its registered baseline frame: detections without a match in the
warped baseline, confirmed by pixel change; the changed region gives the structure's outline."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.geometry.camera import apply_h

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Candidate:
    box: tuple[float, float, float, float]  # new-frame pixels
    score: float  # detector confidence
    change: float  # share of the box that changed
    outline: npt.NDArray[np.float64]  # (K, 2) new-frame pixels of the changed region


def box_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> npt.NDArray[np.float64]:
    a, b = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


def warp_box(box: npt.ArrayLike, h: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x1, y1, x2, y2 = np.asarray(box, np.float64)
    pts = apply_h(h, [(x1, y1), (x2, y1), (x2, y2), (x1, y2)])
    return np.array([*pts.min(axis=0), *pts.max(axis=0)])


def change_mask(
    new: Image, base_in_new: Image, box: tuple[float, float, float, float], margin: float = 0.6
) -> tuple[float, npt.NDArray[np.float64] | None]:
    """Changed share of `box` and the outline of the changed blob (shadows excluded)."""
    h, w = new.shape[:2]
    x1, y1, x2, y2 = box
    bw, bh = x2 - x1, y2 - y1
    ex1, ey1 = int(max(0, x1 - margin * bw)), int(max(0, y1 - margin * bh))
    ex2, ey2 = int(min(w, x2 + margin * bw)), int(min(h, y2 + margin * bh))
    a = new[ey1:ey2, ex1:ex2].astype(np.float32)
    b = base_in_new[ey1:ey2, ex1:ex2].astype(np.float32)
    if a.size == 0:
        return 0.0, None
    inside = np.zeros(a.shape[:2], bool)
    ix1, iy1 = int(x1) - ex1, int(y1) - ey1
    inside[max(0, iy1) : max(0, iy1) + int(bh) + 1, max(0, ix1) : max(0, ix1) + int(bw) + 1] = True
    ring = ~inside & (b.sum(axis=2) > 0)
    valid = b.sum(axis=2) > 0
    fitted = b.copy()
    if ring.sum() > 50:  # per-channel gain/offset from the surroundings (robust: shadows move by date)
        for c in range(3):
            x, y = b[..., c][ring], a[..., c][ring]
            qx, qy = np.percentile(x, [25, 50, 75]), np.percentile(y, [25, 50, 75])
            gain = float(np.clip((qy[2] - qy[0]) / max(qx[2] - qx[0], 2.0), 0.6, 1.6))
            fitted[..., c] = (b[..., c] - qx[1]) * gain + qy[1]
    a_s = cv2.GaussianBlur(a, (0, 0), 1.2)
    f_s = cv2.GaussianBlur(fitted, (0, 0), 1.2)
    diff = np.abs(a_s - f_s).max(axis=2)
    noise = float(np.median(diff[ring])) if ring.sum() > 50 else 5.0
    thresh = float(np.clip(3.0 * noise, 22.0, 45.0))
    ratio = (a_s + 8) / (f_s + 8)
    shadow = (ratio.max(axis=2) < 0.92) & (ratio.max(axis=2) - ratio.min(axis=2) < 0.15)
    mask = ((diff > thresh) & ~shadow & valid).astype(np.uint8) * 255
    # Outlines that are new (a roof-coloured room shows mostly as new edges): add them, then fill.
    gray_a = cv2.cvtColor(np.clip(a_s, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
    gray_f = cv2.cvtColor(np.clip(f_s, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
    old_edges = cv2.dilate(cv2.Canny(gray_f, 30, 90), np.ones((7, 7), np.uint8))
    new_edges = np.where((cv2.Canny(gray_a, 30, 90) > 0) & (old_edges == 0) & valid, 255, 0).astype(np.uint8)
    mask = cv2.morphologyEx(mask | new_edges, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    filled = np.zeros_like(mask)
    outer, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, outer, -1, 255, -1)
    filled[shadow] = 0  # filling closed outlines must not bring the structure's shadow back in
    mask = cv2.morphologyEx(filled, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    share = float((mask[inside] > 0).mean()) if inside.any() else 0.0
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cx, cy = (x1 + x2) / 2 - ex1, (y1 + y2) / 2 - ey1
    best, best_score = None, 0.0
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < 20:
            continue
        # Prefer the blob that overlaps the box centre most.
        inside_pts = cv2.pointPolygonTest(contour, (float(cx), float(cy)), True)
        score = area * (2.0 if inside_pts >= -3 else 0.5)
        if score > best_score:
            best, best_score = contour, score
    if best is None:
        return share, None
    hull = cv2.convexHull(best).reshape(-1, 2).astype(np.float64) + [ex1, ey1]
    # The structure cannot extend far outside its detection box.
    hull[:, 0] = np.clip(hull[:, 0], x1 - 0.1 * bw, x2 + 0.1 * bw)
    hull[:, 1] = np.clip(hull[:, 1], y1 - 0.1 * bh, y2 + 0.1 * bh)
    return share, hull


def new_structures(
    new: Image,
    base: Image,
    h_new_to_base: npt.NDArray[np.float64],
    det_new: Detections,
    det_base: Detections,
    min_change: float = 0.25,
    match_iou: float = 0.2,
    edge_px: float = 4.0,
) -> list[Candidate]:
    """Detections in `new` with no overlapping detection in the registered baseline and real change."""
    hb, wb = base.shape[:2]
    base_in_new = cv2.warpPerspective(
        base,
        np.linalg.inv(h_new_to_base),
        (new.shape[1], new.shape[0]),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    out = []
    for box, score in zip(det_new.boxes, det_new.scores, strict=True):
        warped = warp_box(box, h_new_to_base)
        if warped[0] < edge_px or warped[1] < edge_px or warped[2] > wb - edge_px or warped[3] > hb - edge_px:
            continue  # not wholly inside the baseline frame: another frame pair decides
        if len(det_base) and box_iou(warped, det_base.boxes).max() >= match_iou:
            continue
        xyxy = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        share, outline = change_mask(new, np.asarray(base_in_new, np.uint8), xyxy)
        if share < min_change or outline is None:
            continue
        out.append(Candidate(xyxy, float(score), share, outline))
    return out
