"""Real Chinese plates: readers on the real-data kit's 1,000 labelled crops, the plate locator on the
CCPD sample photos, and the full plate path on the Beijing close-up clip.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/real_plates_bench.py [--limit N] [--skip-clip]

Crops: exact match per reader (overall, per province, per colour) and ms per read (one thread):
  rapidocr            the former product path (RapidOCR, three image variants) given the crop as the plate box,
                      on the first --rapidocr-limit crops (default 100; it takes seconds per read on a busy CPU)
  lprnet greedy       LPRNet's free best path, no layout (the kit's 89.4 % figure)
  lprnet 1 view       LPRNet decoded in the layouts of the classified colour, format checked
  lprnet 2 views      + a copy with a small replicated border, log-probabilities averaged (product default)
  intel               Intel barrier-0001 alone (raw text)
  lprnet 1/2 + intel  Intel's text where LPRNet scores it within 8 nats of its own best (needs the kit's IR)
Colour: the crops are all blue (MANIFEST); the share the HyperLPR3 classifier and the HSV check call blue.
Clip: vehicle detection (kit COCO YOLOv8n INT8) -> tracker -> HyperLPR3 locator -> reader -> vote per track,
at 5 analysed fps, against the 7 plates of MANIFEST §3, for the product reader and the former RapidOCR one.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Callable

import numpy as np

from api.pipeline.real_plates import (
    BEIJING_PLATES,
    CCPD_NO_PLATE,
    CCPD_SUBSETS,
    TimedReader,
    beijing_clip_plates,
    ccpd_photos,
    intel_model,
    plate_crops,
)
from vision.plates.ctc import greedy, log_softmax
from vision.plates.hyperlpr import DETECTOR_320, DETECTOR_640, PlateColourClassifier, PlateLocator
from vision.plates.intel import IntelPlateRecogniser
from vision.plates.locate import colour_of
from vision.plates.lprnet import ALPHABET, BLANK, LprNet
from vision.plates.reader import PlateReader

Image = np.ndarray
TRUE_COLOUR = "blue"  # every crop of datasets/lprnet_plates_cn is a blue plate


def product(reader: PlateReader) -> Callable[[Image], str]:
    def read(image: Image) -> str:
        candidate = reader.read_plate(image)
        return candidate.text if candidate is not None else ""

    return read


def rapidocr() -> Callable[[Image], str]:
    reader = PlateReader("rapidocr")

    def read(image: Image) -> str:
        box = (0.0, 0.0, float(image.shape[1]), float(image.shape[0]))
        candidate = reader.read(image, box, [box])
        return candidate.text if candidate is not None else ""

    return read


def lprnet_greedy() -> Callable[[Image], str]:
    net = LprNet()

    def read(image: Image) -> str:
        logits = net.logits([image])[0]
        return greedy(log_softmax(logits.T.astype(np.float64), axis=1), ALPHABET, BLANK).text

    return read


def intel_alone() -> Callable[[Image], str]:
    intel = IntelPlateRecogniser(intel_model())
    return lambda image: intel.read([image])[0]


def score(name: str, read: Callable[[Image], str], crops: list[tuple[str, Image]]) -> None:
    started = time.perf_counter()
    texts = [read(image) for _, image in crops]
    ms = (time.perf_counter() - started) * 1000 / len(crops)
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (truth, _), text in zip(crops, texts, strict=True):
        for key in ("all", f"province {truth[0]}", f"colour {TRUE_COLOUR}"):
            hits[key][0] += text == truth
            hits[key][1] += 1
    exact, total = hits.pop("all")
    provinces = " ".join(
        f"{k[-1]} {v[0]}/{v[1]}" for k, v in sorted(hits.items(), key=lambda kv: -kv[1][1]) if k.startswith("province")
    )
    colours = " ".join(f"{k[7:]} {v[0]}/{v[1]}" for k, v in hits.items() if k.startswith("colour"))
    print(f"{name:22s} exact {exact}/{total} = {exact / total:.3f}  {ms:6.1f} ms/read  | {colours} | {provinces}")


def crops_section(limit: int | None, rapidocr_limit: int) -> None:
    crops = plate_crops(limit=limit)
    print(f"== {len(crops)} real plate crops (datasets/lprnet_plates_cn)")
    kit_intel = intel_model()
    readers: list[tuple[str, Callable[[], Callable[[Image], str]]]] = [
        ("lprnet greedy", lprnet_greedy),
        ("lprnet 1 view", lambda: product(PlateReader(views=1))),
        ("lprnet 2 views", lambda: product(PlateReader())),
    ]
    if kit_intel.is_file():
        readers += [
            ("intel", intel_alone),
            ("lprnet 1 view + intel", lambda: product(PlateReader(views=1, intel_model=kit_intel))),
            ("lprnet 2 views + intel", lambda: product(PlateReader(intel_model=kit_intel))),
        ]
    for name, make in readers:
        score(name, make(), crops)
    if rapidocr_limit:
        head = crops[:rapidocr_limit]
        print(f"-- the former path on the first {len(head)} crops, with the product reader on the same crops")
        score("rapidocr (former)", rapidocr(), head)
        score("lprnet 2 views", product(PlateReader()), head)
    classifier = PlateColourClassifier()
    by_classifier = Counter(classifier.colour(image) for _, image in crops)
    by_hsv = Counter(str(colour_of(image)) for _, image in crops)
    print(f"colour (truth: all {TRUE_COLOUR}): classifier {dict(by_classifier)}; HSV check {dict(by_hsv)}")


def ccpd_section() -> None:
    print("== plate locator on the CCPD sample photos (plates found per photo)")
    for model in (DETECTOR_320, DETECTOR_640):
        locator = PlateLocator(model)
        row = []
        started, count = time.perf_counter(), 0
        for subset in (*CCPD_SUBSETS, CCPD_NO_PLATE):
            photos = ccpd_photos(subset)
            found = sum(1 for _, image in photos if locator.locate(image))
            count += len(photos)
            row.append(f"{subset} {found}/{len(photos)}")
        ms = (time.perf_counter() - started) * 1000 / count
        print(f"{model.name:22s} {', '.join(row)}  ({ms:.0f} ms/photo, 720x1160)")


def clip_section(fps: float, with_rapidocr: bool) -> None:
    print(f"== Beijing clip, full path at {fps:g} analysed fps, against {len(BEIJING_PLATES)} listed plates")
    engines = ["lprnet", "rapidocr"] if with_rapidocr else ["lprnet"]
    for engine in engines:
        reader = TimedReader(engine)
        started = time.perf_counter()
        result = beijing_clip_plates(reader, fps)
        wall = time.perf_counter() - started
        found = result.found()
        missing = [p for p in BEIJING_PLATES if p not in found]
        print(
            f"{engine:9s} listed plates read {len(found)}/{len(BEIJING_PLATES)}  missing {missing}  "
            f"other track readings {result.others()}"
        )
        print(
            f"{'':9s} {result.read_calls} plate reads, {result.read_seconds * 1000 / max(result.read_calls, 1):.1f} "
            f"ms/read (locate + read), {result.frames} frames, {wall:.0f} s wall"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="first N crops only")
    parser.add_argument("--skip-clip", action="store_true")
    parser.add_argument("--skip-rapidocr", action="store_true", help="leave out the former RapidOCR path")
    parser.add_argument(
        "--rapidocr-limit", type=int, default=100, help="crops for the former RapidOCR path (seconds per read here)"
    )
    parser.add_argument("--fps", type=float, default=5.0, help="analysed frames per second on the clip")
    args = parser.parse_args()
    crops_section(args.limit, 0 if args.skip_rapidocr else args.rapidocr_limit)
    ccpd_section()
    if not args.skip_clip:
        clip_section(args.fps, not args.skip_rapidocr)


if __name__ == "__main__":
    main()
