"""Real plates from the real-data kit (`../shared/realdata`, or `ENFORCE_REALDATA`; MANIFEST §2-3),
read where they lie and never copied into the product: the 1,000 labelled plate crops, the CCPD
sample photos, and the Beijing close-up clip played through the product's full plate path
(vehicle detector -> tracker -> plate locator -> reader -> vote per track)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from api.pipeline.real_clips import PARKING_NEGATIVES, clip_camera, kit_coco_detector_config, realdata_root
from domain.types import Frame, PlateReading
from vision.analyzer import StreetAnalyzer
from vision.detectors.factory import build_detector
from vision.plates.reader import Box, PlateCandidate, PlateReader

Image = npt.NDArray[np.uint8]
BEIJING_CLIP = "cn_beijing_traffic_closeup_plates"
# MANIFEST §3: the readable plates, in order of appearance (京B06498 is yellow, the others blue)
BEIJING_PLATES = ("京GPL768", "京BF1144", "京M76967", "京B06498", "京L87802", "京J27373", "京JZ9445")
CCPD_SUBSETS = ("blur", "challenge", "db", "fn", "rotate", "tilt")  # every photo shows one plate
CCPD_NO_PLATE = "np"  # cars without plates


def intel_model(root: Path | None = None) -> Path:
    """The kit's Intel license-plate-recognition-barrier-0001 IR (not shipped)."""
    return (root or realdata_root()) / "weights" / "plates" / "intel_omz" / "license-plate-recognition-barrier-0001.xml"


def plate_crops(root: Path | None = None, limit: int | None = None) -> list[tuple[str, Image]]:
    """(plate text, BGR crop) of the kit's labelled real crops (datasets/lprnet_plates_cn), in file order."""
    folder = (root or realdata_root()) / "datasets" / "lprnet_plates_cn"
    rows = [line.split("\t") for line in (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    crops = []
    for name, text in rows[:limit]:
        image = cv2.imdecode(np.fromfile(folder / "images" / name, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"cannot decode plate crop {folder / 'images' / name}")
        crops.append((text, image.astype(np.uint8)))
    return crops


def ccpd_photos(subset: str, root: Path | None = None) -> list[tuple[str, Image]]:
    folder = (root or realdata_root()) / "datasets" / "ccpd_sample" / "sample" / subset
    photos = []
    for path in sorted(folder.glob("*.jpg")):
        image = cv2.imread(str(path))
        if image is None:
            raise ValueError(f"cannot decode CCPD photo {path}")
        photos.append((path.name, image.astype(np.uint8)))
    return photos


class TimedReader(PlateReader):
    """A plate reader that counts its calls and the time they take."""

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.calls = 0
        self.seconds = 0.0

    def read(self, image: Image, vehicle_box: Box, plate_boxes: Sequence[Box] = ()) -> PlateCandidate | None:
        started = time.perf_counter()
        try:
            return super().read(image, vehicle_box, plate_boxes)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - started


@dataclass(frozen=True)
class ClipPlates:
    readings: dict[int, PlateReading]  # track id -> voted reading
    read_calls: int
    read_seconds: float
    frames: int

    def found(self, plates: Sequence[str] = BEIJING_PLATES) -> list[str]:
        texts = {r.text for r in self.readings.values()}
        return [p for p in plates if p in texts]

    def others(self, plates: Sequence[str] = BEIJING_PLATES) -> list[str]:
        return sorted(r.text for r in self.readings.values() if r.text not in plates)


def beijing_clip_plates(reader: TimedReader, fps: float = 5.0, root: Path | None = None) -> ClipPlates:
    """Play the Beijing clip at `fps` through the street analyzer (kit COCO detector, tracker, a zone
    over the whole frame, plates of every vehicle in it read at most once a second per track, moving or
    not: the parking rule alone would ask only for stopped ones) and return every track's vote."""
    clip = next(c for c in PARKING_NEGATIVES if c.name == BEIJING_CLIP)
    camera = clip_camera(clip, fps, root)
    detector = build_detector(kit_coco_detector_config(root))
    analyzer = StreetAnalyzer(camera.analysis_setup(), detector, reader, plates_for_every_vehicle=True)
    assert analyzer.plates is not None and camera.start_time is not None
    video = cv2.VideoCapture(camera.source[len("file:") :])
    if not video.isOpened():
        raise FileNotFoundError(f"cannot open {camera.source}")
    rate = video.get(cv2.CAP_PROP_FPS) or 25.0
    step, index, frames = max(int(round(rate / fps)), 1), 0, 0
    try:
        while True:
            ok, image = video.read()
            if not ok:
                break
            if index % step == 0:
                captured = camera.start_time + timedelta(seconds=index / rate)
                analyzer.process(Frame(camera.id, index, captured, np.asarray(image, np.uint8)))
                frames += 1
            index += 1
    finally:
        video.release()
    return ClipPlates(analyzer.plates.readings(), reader.calls, reader.seconds, frames)
