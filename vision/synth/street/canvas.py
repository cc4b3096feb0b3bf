"""A render target that keeps, beside the colour image, an object-id map, a depth map and a light layer.

Every filled polygon writes colour, the id of the labelled thing it belongs to (0: none) and its
camera depth, painter's-order (draw far things first). Labels are then the boxes of the *visible*
pixels of each thing, so occlusion, truncation at the image edge and fog are handled in one place.
Emissive polygons (lit windows, lamps, coals) bypass the time-of-day dimming.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from vision.synth.street.camera import PoleCamera

Colour = tuple[int, int, int]  # BGR
MIN_VISIBLE_FRACTION = 0.3  # of the unoccluded box area; less visible things get no label


@dataclass
class Entity:
    id: int
    label: str
    part_of: int = 0  # parent entity id: its visible pixels count towards the parent's box
    amodal: list[float] = field(default_factory=lambda: [1e9, 1e9, -1e9, -1e9])
    depth: float = 0.0
    text: str | None = None  # plate text for license_plate
    min_size: float = 4.0  # pixels, at the rendered resolution


@dataclass(frozen=True)
class Box:
    label: str
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 pixels
    entity_id: int
    text: str | None = None


class Canvas:
    def __init__(self, camera: PoleCamera) -> None:
        h, w = camera.height, camera.width
        self.camera = camera
        self.image = np.zeros((h, w, 3), np.uint8)
        self.ids = np.zeros((h, w), np.int32)
        self.depth = np.full((h, w), 1e4, np.float32)
        self.light = np.zeros((h, w, 3), np.uint8)
        self.lit = np.zeros((h, w), np.uint8)
        self.entities: dict[int, Entity] = {}
        self.glows: list[tuple[int, int, float, Colour]] = []
        self._next_id = 1

    def copy(self) -> Canvas:
        other = Canvas.__new__(Canvas)
        other.camera = self.camera
        other.image, other.ids, other.depth = self.image.copy(), self.ids.copy(), self.depth.copy()
        other.light, other.lit = self.light.copy(), self.lit.copy()
        other.entities = {k: Entity(**vars(v)) for k, v in self.entities.items()}
        other.glows = list(self.glows)
        other._next_id = self._next_id
        return other

    def entity(self, label: str, part_of: int = 0, text: str | None = None, min_size: float = 4.0) -> int:
        eid = self._next_id
        self._next_id += 1
        self.entities[eid] = Entity(eid, label, part_of, text=text, min_size=min_size)
        return eid

    def poly(
        self,
        world: npt.ArrayLike,
        colour: Colour,
        eid: int = 0,
        emissive: bool = False,
    ) -> npt.NDArray[np.int32] | None:
        """Fill the projection of a planar world polygon; returns its pixel corners (or None if behind)."""
        pts, z = self.camera.project(np.asarray(world, np.float64))
        if np.all(z <= 0.3):
            return None
        ipts = np.round(pts).astype(np.int32).reshape(1, -1, 2)
        self._fill(ipts, colour, eid, float(np.mean(z)), emissive)
        return ipts[0]

    def pixels(
        self, ipts: npt.NDArray[np.int32], colour: Colour, eid: int, depth: float, emissive: bool = False
    ) -> None:
        """Fill a polygon given in pixel coordinates (for billboard things such as people and smoke)."""
        self._fill(ipts.reshape(1, -1, 2), colour, eid, depth, emissive)

    def _fill(
        self, ipts: npt.NDArray[np.int32], colour: Colour, eid: int, depth: float, emissive: bool
    ) -> None:
        polygons = list(ipts)  # cv2 takes a sequence of (N, 2) point arrays
        cv2.fillPoly(self.image, polygons, colour)
        cv2.fillPoly(self.ids, polygons, eid)
        cv2.fillPoly(self.depth, polygons, depth)
        cv2.fillPoly(self.lit, polygons, 255 if emissive else 0)
        if emissive:
            cv2.fillPoly(self.light, polygons, colour)
        if eid:
            ent = self.entities[eid]
            xs, ys = ipts[0, :, 0], ipts[0, :, 1]
            a = ent.amodal
            a[0], a[1] = min(a[0], float(xs.min())), min(a[1], float(ys.min()))
            a[2], a[3] = max(a[2], float(xs.max())), max(a[3], float(ys.max()))
            ent.depth = depth if ent.depth == 0 else min(ent.depth, depth)

    def circle(
        self,
        centre: tuple[int, int],
        radius: int,
        colour: Colour,
        eid: int,
        depth: float,
        emissive: bool = False,
    ) -> None:
        n = 12
        ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
        pts = np.stack([centre[0] + radius * np.cos(ang), centre[1] + radius * np.sin(ang)], 1)
        self.pixels(np.round(pts).astype(np.int32), colour, eid, depth, emissive)

    def texture(
        self, world_quad: npt.ArrayLike, texture: npt.NDArray[np.uint8], eid: int = 0, emissive: bool = False
    ) -> None:
        """Warp a BGR texture onto a world quad (corners: top-left, top-right, bottom-right, bottom-left)."""
        pts, z = self.camera.project(np.asarray(world_quad, np.float64))
        if np.any(z <= 0.3):
            return
        h, w = self.image.shape[:2]
        x0, y0 = np.floor(pts.min(0)).astype(int)
        x1, y1 = np.ceil(pts.max(0)).astype(int) + 1
        x0c, y0c, x1c, y1c = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        if x1c - x0c < 2 or y1c - y0c < 2:
            self.poly(world_quad, tuple(int(c) for c in texture.reshape(-1, 3).mean(0)), eid, emissive)  # type: ignore[arg-type]
            return
        th, tw = texture.shape[:2]
        src = np.array([[0, 0], [tw, 0], [tw, th], [0, th]], np.float32)
        dst = (pts - [x0c, y0c]).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        size = (x1c - x0c, y1c - y0c)
        if tw > 4 * (x1 - x0) and th > 4 * (y1 - y0):  # shrink first so the warp does not alias
            f = max(2.0 * (x1 - x0) / tw, 2.0 * (y1 - y0) / th, 0.05)
            texture = np.asarray(cv2.resize(texture, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8)
            th2, tw2 = texture.shape[:2]
            m = cv2.getPerspectiveTransform(np.array([[0, 0], [tw2, 0], [tw2, th2], [0, th2]], np.float32), dst)
        warped = cv2.warpPerspective(
            texture, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        mask = np.zeros((size[1], size[0]), np.uint8)
        cv2.fillPoly(mask, np.round(dst).astype(np.int32).reshape(1, -1, 2), 255)
        sel = mask > 0
        region = self.image[y0c:y1c, x0c:x1c]
        region[sel] = warped[sel]
        self.ids[y0c:y1c, x0c:x1c][sel] = eid
        self.depth[y0c:y1c, x0c:x1c][sel] = float(np.mean(z))
        self.lit[y0c:y1c, x0c:x1c][sel] = 255 if emissive else 0
        if emissive:
            self.light[y0c:y1c, x0c:x1c][sel] = warped[sel]
        if eid:
            ent = self.entities[eid]
            a = ent.amodal
            a[0], a[1] = min(a[0], float(pts[:, 0].min())), min(a[1], float(pts[:, 1].min()))
            a[2], a[3] = max(a[2], float(pts[:, 0].max())), max(a[3], float(pts[:, 1].max()))
            ent.depth = float(np.mean(z))

    def boxes(self, fog_visibility_m: float | None = None) -> list[Box]:
        """Boxes of the visible pixels of every entity (parts count towards their parents)."""
        h, w = self.ids.shape
        out: list[Box] = []
        ids = self.ids
        present = np.unique(ids)
        owner = {eid: eid for eid in self.entities}
        for eid, ent in self.entities.items():
            if ent.part_of:
                owner[eid] = ent.part_of
        boxes: dict[int, list[float]] = {}
        counts: dict[int, int] = {}
        for eid in present.tolist():
            if eid == 0 or eid not in self.entities:
                continue
            mask = (ids == eid).view(np.uint8)
            bx, by, bw_, bh_ = cv2.boundingRect(mask)
            own = [float(bx), float(by), float(bx + bw_), float(by + bh_)]
            n_px = int(cv2.countNonZero(mask))
            for target in {eid, owner[eid]}:
                b = boxes.get(target)
                boxes[target] = (
                    own
                    if b is None
                    else [min(b[0], own[0]), min(b[1], own[1]), max(b[2], own[2]), max(b[3], own[3])]
                )
                counts[target] = counts.get(target, 0) + n_px
        for eid, b in boxes.items():
            ent = self.entities[eid]
            bw, bh = b[2] - b[0], b[3] - b[1]
            if min(bw, bh) < ent.min_size:
                continue
            a = ent.amodal
            ax0, ay0, ax1, ay1 = max(a[0], 0), max(a[1], 0), min(a[2], w), min(a[3], h)
            amodal_area = max(1.0, (ax1 - ax0) * (ay1 - ay0))
            if bw * bh < MIN_VISIBLE_FRACTION * amodal_area or counts[eid] < 0.3 * bw * bh:
                continue
            if fog_visibility_m is not None and 1 - np.exp(-ent.depth / fog_visibility_m) > 0.8:
                continue
            out.append(Box(ent.label, (b[0], b[1], b[2], b[3]), eid, ent.text))
        return out
