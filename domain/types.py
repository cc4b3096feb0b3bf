"""Typed values handed between stages: Frame -> Detections -> Track -> Violation.

This package imports nothing of the project, so ingest, vision, evidence and api all share these
values without importing each other. Ultralytics `Results` and ONNX outputs are converted to
`Detections` at the vision boundary and go no further. Times are timezone-aware UTC capture
timestamps, never the wall clock at processing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

ViolationType = str  # a registered kind's type: vision.violations.registry.types()
BoxXYXY = tuple[float, float, float, float]  # pixels: x1, y1, x2, y2


class DetailsBase(BaseModel):
    """Facts a kind's violations record in the manifest; each kind narrows `kind` to its type
    (vision/violations/<kind>.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded image with the time it was captured (the time of record)."""

    source_id: str  # camera id, or flight id for drone footage
    index: int  # frame number in the source, counting every decoded frame
    captured_at: datetime  # timezone-aware UTC
    image: npt.NDArray[np.uint8]  # H x W x 3, BGR
    pts_seconds: float | None = None  # presentation time within a file/stream, where known
    keyframe: bool = False
    # the picture as the camera sent it, where the reader kept it (a keyframe decodes on its own): the ring
    # buffer stores these bytes instead of encoding the pixels again
    encoded: EncodedFrame | None = None
    # the part of the picture the detector looked at, pixels (left, top, right, bottom); None: all of it.
    # A box reaching one of its inner edges may be cut there, as one reaching the picture's edge is
    view: tuple[int, int, int, int] | None = None
    # where the camera's reference view lies in this picture (`vision.steady_view`), pixels: the analyzer
    # gives the rules boxes in the reference view's coordinates (steady while the camera sways or drifts);
    # a point (x, y) of those shows at (x + dx, y + dy) in `image`. `view` is in the same coordinates
    offset: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError("Frame.captured_at must be timezone-aware")
        if self.image.ndim != 3 or self.image.shape[2] != 3 or self.image.dtype != np.uint8:
            raise ValueError(f"Frame.image must be HxWx3 uint8, got {self.image.shape} {self.image.dtype}")

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True, eq=False)
class EncodedFrame:
    """A frame kept compressed (a camera's ring buffer), handed on without decoding: only the stage that
    needs its pixels (the evidence clip encoder) decodes it, off the camera's thread. `codec` is FFmpeg's
    decoder name: "mjpeg" for a JPEG the ring made, or the stream's own (a keyframe's packets as the camera
    sent them, with the stream's `extradata`: nothing was encoded for it)."""

    source_id: str
    index: int
    captured_at: datetime  # timezone-aware UTC
    data: bytes
    width: int
    height: int
    pts_seconds: float | None = None
    keyframe: bool = False
    codec: str = "mjpeg"
    extradata: bytes = b""

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError("EncodedFrame.captured_at must be timezone-aware")
        if not self.data or self.width <= 0 or self.height <= 0:
            raise ValueError(
                f"EncodedFrame needs {self.codec} data and a size, got {len(self.data)} bytes "
                f"{self.width}x{self.height}"
            )


ClipFrame = Frame | EncodedFrame  # a clip's frames: decoded, or as the ring buffer keeps them


@dataclass(frozen=True, eq=False)
class Detections:
    """N detections as parallel arrays; validated on construction."""

    boxes: npt.NDArray[np.float32]  # (N, 4) xyxy pixels
    scores: npt.NDArray[np.float32]  # (N,)
    labels: tuple[str, ...]  # (N,) pipeline labels
    track_ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        n = len(self.labels)
        if self.boxes.shape != (n, 4):
            raise ValueError(f"boxes must be ({n}, 4), got {self.boxes.shape}")
        if self.scores.shape != (n,):
            raise ValueError(f"scores must be ({n},), got {self.scores.shape}")
        if self.track_ids.shape == (0,) and n:
            object.__setattr__(self, "track_ids", np.full(n, -1, dtype=np.int64))
        if self.track_ids.shape != (n,):
            raise ValueError(f"track_ids must be ({n},), got {self.track_ids.shape}")
        if n and np.any(self.boxes[:, 2:] < self.boxes[:, :2]):
            raise ValueError("boxes must be x1 <= x2 and y1 <= y2")

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), (), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def only(self, *labels: str) -> Detections:
        keep = [i for i, label in enumerate(self.labels) if label in labels]
        return Detections(
            self.boxes[keep].reshape(-1, 4),
            self.scores[keep],
            tuple(self.labels[i] for i in keep),
            self.track_ids[keep],
        )


@dataclass(frozen=True)
class LabelledBox:
    label: str
    box: BoxXYXY
    score: float | None = None


@dataclass(frozen=True, eq=False)
class EvidencePhoto:
    """A full-scene photo for the record: original pixels, capture time, what to mark on the copy."""

    role: str  # arrival / interval / confirmation / start / persisted / exit / before / after
    frame: Frame
    marks: tuple[LabelledBox, ...] = ()


@dataclass(frozen=True, eq=False)
class PlateReading:
    text: str  # e.g. 浙A12345
    confidence: float  # 0..1 after voting across frames
    crop: npt.NDArray[np.uint8] | None = None  # BGR close-up at full resolution
    votes: int = 1


@dataclass(frozen=True)
class ObjectIdentity:
    """Who the violation is about, so a later process can tell the same object at the same place:
    its box at confirmation (normalised [0, 1] image coordinates) and its appearance signature."""

    box: tuple[float, float, float, float]
    appearance: tuple[float, ...] = ()  # `vision.identity.Appearance` as a plain unit vector
    plate: str | None = None  # a confident reading only


@dataclass(frozen=True, eq=False)
class Violation:
    """A confirmed rule hit with the frames its evidence needs; the evidence stage takes it from here."""

    violation_type: ViolationType
    source_id: str  # camera id or flight id
    zone_name: str | None
    episode_key: str  # one record per episode: e.g. "cam:zone:track-7"
    object_label: str
    track_id: int | None
    first_seen_at: datetime
    confirmed_at: datetime
    photos: tuple[EvidencePhoto, ...]
    clip_frames: tuple[ClipFrame, ...] = ()
    plate: PlateReading | None = None
    zone_polygon: tuple[tuple[float, float], ...] | None = None  # normalised image coordinates
    identity: ObjectIdentity | None = None
    details: DetailsBase = field(kw_only=True)  # the kind's details model; `kind` == violation_type

    def __post_init__(self) -> None:
        if self.details.kind != self.violation_type:
            raise ValueError(
                f"a {self.violation_type} violation carries {self.details.kind} details "
                f"({type(self.details).__name__})"
            )
