"""Pinhole camera on a pole: world X right, Y up, Z along the road away from the pole (metres)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PoleCamera:
    width: int
    height: int
    mount_height: float  # metres above the road
    tilt_deg: float  # downward pitch
    hfov_deg: float  # horizontal field of view
    x: float = 0.0  # lateral position of the pole
    yaw_deg: float = 0.0  # turn to the right (positive) or left

    @property
    def focal(self) -> float:
        return self.width / 2 / np.tan(np.radians(self.hfov_deg) / 2)

    def to_camera(self, pts: Points) -> Points:
        """World points (N, 3) to camera coordinates (N, 3): x right, y up, z forward."""
        p = np.asarray(pts, np.float64).reshape(-1, 3)
        dx, dy, dz = p[:, 0] - self.x, p[:, 1] - self.mount_height, p[:, 2]
        cy, sy = np.cos(np.radians(self.yaw_deg)), np.sin(np.radians(self.yaw_deg))
        xr = cy * dx - sy * dz
        zr = sy * dx + cy * dz
        ct, st = np.cos(np.radians(self.tilt_deg)), np.sin(np.radians(self.tilt_deg))
        zc = -st * dy + ct * zr
        yc = ct * dy + st * zr
        return np.stack([xr, yc, zc], axis=1)

    def project(self, pts: Points) -> tuple[Points, npt.NDArray[np.float64]]:
        """Pixel coordinates (N, 2) and camera depth (N,) of world points; depth <= 0 is behind."""
        c = self.to_camera(pts)
        z = np.maximum(c[:, 2], 1e-3)
        f = self.focal
        u = self.width / 2 + f * c[:, 0] / z
        v = self.height / 2 - f * c[:, 1] / z
        return np.clip(np.stack([u, v], axis=1), -2e4, 2e4), c[:, 2]

    def horizon_y(self) -> float:
        return float(self.height / 2 - self.focal * np.tan(np.radians(self.tilt_deg)))

    def ground_at(self, u: float, v: float) -> tuple[float, float] | None:
        """The road point (X, Z) seen at pixel (u, v), or None above the horizon."""
        f = self.focal
        ray = np.array([(u - self.width / 2) / f, -(v - self.height / 2) / f, 1.0])
        ct, st = np.cos(np.radians(self.tilt_deg)), np.sin(np.radians(self.tilt_deg))
        dy = ct * ray[1] - st * ray[2]
        zr = st * ray[1] + ct * ray[2]
        if dy >= -1e-6:
            return None
        s = -self.mount_height / dy
        cy, sy = np.cos(np.radians(self.yaw_deg)), np.sin(np.radians(self.yaw_deg))
        xr, zr2 = ray[0] * s, zr * s
        return float(cy * xr + sy * zr2 + self.x), float(-sy * xr + cy * zr2)
