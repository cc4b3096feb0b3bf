"""Pinhole camera over flat ground: the homography between ground (east, north metres) and pixels.

World axes: east, north, up. The camera sits at (east, north, altitude above ground) and looks along
its gimbal: yaw clockwise from north, pitch -90 straight down. Roll is taken as zero (stabilised gimbal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Intrinsics:
    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float

    @classmethod
    def from_hfov(cls, width: int, height: int, hfov_deg: float) -> Intrinsics:
        f = (width / 2.0) / math.tan(math.radians(hfov_deg) / 2.0)
        return cls(width, height, f, f, width / 2.0, height / 2.0)

    @classmethod
    def from_normalised(
        cls, width: int, height: int, fx: float, fy: float, cx: float, cy: float
    ) -> Intrinsics:
        """fx, cx as fractions of the width; fy, cy of the height (resolution independent)."""
        return cls(width, height, fx * width, fy * height, cx * width, cy * height)

    def matrix(self) -> Matrix:
        return np.array([[self.fx, 0, self.cx], [0, self.fy, self.cy], [0, 0, 1]], dtype=np.float64)


@dataclass(frozen=True)
class Pose:
    east: float
    north: float
    altitude: float  # metres above the ground plane
    yaw_deg: float  # clockwise from north
    pitch_deg: float = -90.0  # -90 = nadir

    def rotation(self) -> Matrix:
        yaw, pitch = math.radians(self.yaw_deg), math.radians(self.pitch_deg)
        heading = np.array([math.sin(yaw), math.cos(yaw), 0.0])
        right = np.array([math.cos(yaw), -math.sin(yaw), 0.0])
        forward = math.cos(pitch) * heading + math.sin(pitch) * np.array([0.0, 0.0, 1.0])
        down_img = np.cross(forward, right)
        return np.stack([right, down_img, forward])


def ground_to_image(intr: Intrinsics, pose: Pose) -> Matrix:
    """3x3 homography mapping ground (east, north, 1) to pixel (x, y, 1)."""
    rot = pose.rotation()
    centre = np.array([pose.east, pose.north, pose.altitude])
    t = -rot @ centre
    h = intr.matrix() @ np.column_stack([rot[:, 0], rot[:, 1], t])
    return h / h[2, 2]


def image_to_ground(intr: Intrinsics, pose: Pose) -> Matrix:
    return np.asarray(np.linalg.inv(ground_to_image(intr, pose)), np.float64)


def apply_h(h: Matrix, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    homog = np.column_stack([pts, np.ones(len(pts))]) @ h.T
    return homog[:, :2] / homog[:, 2:3]


def footprint(intr: Intrinsics, pose: Pose) -> npt.NDArray[np.float64]:
    """Ground polygon (4 x 2, east/north) seen by the image corners."""
    corners = [(0, 0), (intr.width, 0), (intr.width, intr.height), (0, intr.height)]
    return apply_h(image_to_ground(intr, pose), corners)


def gsd_m(intr: Intrinsics, pose: Pose) -> float:
    """Ground sampling distance at the image centre, metres per pixel."""
    g = apply_h(image_to_ground(intr, pose), [(intr.cx, intr.cy), (intr.cx + 1, intr.cy)])
    return float(np.hypot(*(g[1] - g[0])))
