"""One street scenario at one or more analysed rates, with detections and plate reads cached on disk.

    PYTHONPATH=$PWD .venv/bin/python bench/scenario_trace.py var/scenarios-hard/parking_occluded.json \
        --fps 4 2 1 [--trace] [--cache var/cache]

For working on a rule: the first run plays the clip through the real camera worker and stores every
detector answer and plate reading (keyed by the frame's pixels), so later runs of the same clip, after
a rule change, take seconds instead of minutes on a loaded box. Prints, per rate, what was reported
against the ground truth (the same matching as `enforce eval`) and each reported case's times and
plate. `--trace` prints the parking rule's decisions (logger `vision.rules.parking` at DEBUG). The
scored figures to quote come from `enforce eval`; this is the quick loop between them. The cache
holds the detector's answers: delete it when the model or its settings change.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import pickle
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from api.pipeline.evaluate_street import at_analysis_fps, load_scenario, run_scenario
from api.settings import get_settings
from domain.types import Detections
from ingest.config import load_config
from vision.detectors.base import Detector
from vision.detectors.factory import build_detector
from vision.evaluation.matching import match_events
from vision.plates.config import PlateEngine
from vision.plates.reader import Box, PlateCandidate, PlateReader


def _key(image: npt.NDArray[np.uint8], *extra: object) -> bytes:
    digest = hashlib.blake2b(image.tobytes(), digest_size=16)
    for value in extra:
        digest.update(np.asarray(value, np.float32).tobytes())
    return digest.digest()


class _Stored:
    def __init__(self, path: Path):
        self.path = path
        self.seen: dict[bytes, object] = pickle.loads(path.read_bytes()) if path.exists() else {}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(pickle.dumps(self.seen))


class CachedDetector(_Stored):
    def __init__(self, detector: Detector, path: Path):
        super().__init__(path)
        self.detector = detector
        self.model_name, self.weights_sha256 = detector.model_name, detector.weights_sha256
        self.detector_type, self.labels = detector.detector_type, detector.labels

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        key = _key(image)
        if key not in self.seen:
            self.seen[key] = self.detector.detect(image)
        return self.seen[key]  # type: ignore[return-value]


class CachedPlateReader(PlateReader):
    def __init__(self, path: Path, engine: PlateEngine = "rapidocr"):
        super().__init__(engine)
        self.store = _Stored(path)

    def read(
        self, image: npt.NDArray[np.uint8], vehicle_box: Box, plate_boxes: Sequence[Box] = ()
    ) -> PlateCandidate | None:
        key = _key(image, vehicle_box, *plate_boxes)
        if key not in self.store.seen:
            self.store.seen[key] = super().read(image, vehicle_box, plate_boxes)
        return self.store.seen[key]  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path, help="<name>.json beside <name>.mp4")
    parser.add_argument("--fps", type=float, nargs="+", default=[2.0])
    parser.add_argument("--detector", default="street", help="detector name in the cameras file")
    parser.add_argument("--cache", type=Path, default=Path("var/cache"))
    parser.add_argument("--trace", action="store_true", help="print the parking rule's decisions")
    parser.add_argument(
        "--plate-engine",
        choices=("rapidocr", "lprnet"),
        default="rapidocr",
        help="rapidocr, as `enforce eval` reads the rendered plates (LPRNet misreads their province)",
    )
    args = parser.parse_args()
    if args.trace:
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("vision.rules.parking").setLevel(logging.DEBUG)
    scenario = load_scenario(args.scenario)
    config = load_config(get_settings().config)
    stem = f"{scenario.name}-{args.detector}"
    detector = CachedDetector(build_detector(config.detectors[args.detector]), args.cache / f"{stem}.detections.pkl")
    plates = CachedPlateReader(args.cache / f"{stem}-{args.plate_engine}.plates.pkl", args.plate_engine)
    for fps in args.fps:
        started = time.perf_counter()
        at_rate = at_analysis_fps(scenario, fps)
        predictions = run_scenario(at_rate, detector, plates)
        matched = match_events(at_rate.truths, predictions)
        detector.save()
        plates.store.save()
        print(
            f"{scenario.name} at {fps:g} fps: {len(predictions)} reported, {len(at_rate.truths)} true, "
            f"{len(matched.unmatched_predictions)} false, {len(matched.unmatched_truth)} missed "
            f"({time.perf_counter() - started:.0f} s wall)"
        )
        for p in predictions:
            print(f"  reported: first seen {p.first_seen_s:.1f} s, confirmed {p.confirmed_s:.1f} s, plate {p.plate}")
        for t in at_rate.truths:
            print(f"  truth: {t.object_id} {t.start_s:.1f}-{t.end_s:.1f} s, plate {t.plate}")


if __name__ == "__main__":
    main()
