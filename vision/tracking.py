"""Per-camera multi-object tracking behind our own small interface (ByteTrack from Ultralytics)."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

import numpy as np
import numpy.typing as npt

from domain.types import Detections, Frame
from vision.rules.common import VEHICLE_LABELS

TRACKED_LABELS = VEHICLE_LABELS  # the rules skip vehicles without a track id: keep these one constant


class _Boxes:
    """The minimal detections view BYTETracker reads: conf, cls, xywh, boolean indexing."""

    def __init__(
        self, xywh: npt.NDArray[np.float32], conf: npt.NDArray[np.float32], cls: npt.NDArray[np.float32]
    ):
        self.xywh, self.conf, self.cls = xywh, conf, cls

    def __len__(self) -> int:
        return len(self.conf)

    def __getitem__(self, index: npt.NDArray[np.bool_]) -> _Boxes:
        return _Boxes(self.xywh[index], self.conf[index], self.cls[index])


class Tracker:
    """One per camera. `update` returns the same detections, in the same order, with track ids set
    (-1 for labels that are not tracked and for detections not yet confirmed as a track)."""

    def __init__(
        self,
        labels: Iterable[str] = TRACKED_LABELS,
        lost_frames: int = 30,
        high_threshold: float = 0.25,
        low_threshold: float = 0.1,
        match_threshold: float = 0.8,
    ):
        from ultralytics.trackers.byte_tracker import BYTETracker

        self.labels = tuple(labels)
        args = SimpleNamespace(
            track_high_thresh=high_threshold,
            track_low_thresh=low_threshold,
            new_track_thresh=high_threshold,
            track_buffer=lost_frames,
            match_thresh=match_threshold,
            fuse_score=True,
        )
        self._tracker = BYTETracker(args)
        self._tracker.max_frames_lost = lost_frames  # frames, whatever the analysis rate

    def update(self, detections: Detections, frame: Frame) -> Detections:
        del frame  # ByteTrack matches on boxes alone; the frame is part of the interface for others
        index = np.array(
            [i for i, label in enumerate(detections.labels) if label in self.labels], dtype=np.int64
        )
        boxes = detections.boxes[index].reshape(-1, 4)
        xywh = np.concatenate([(boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2]], axis=1)
        cls = np.array([self.labels.index(detections.labels[i]) for i in index], dtype=np.float32)
        rows = self._tracker.update(_Boxes(xywh.astype(np.float32), detections.scores[index], cls))
        track_ids = np.full(len(detections), -1, dtype=np.int64)
        for row in rows.reshape(-1, 8):
            track_ids[index[int(row[7])]] = int(row[4])
        return Detections(detections.boxes, detections.scores, detections.labels, track_ids)
