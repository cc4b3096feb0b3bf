"""How legible are the rendered plates? RapidOCR (offline, ONNX) on plate crops from rendered scenes.

Default (close-up): for each held-out seed, the scene's camera, light, weather, noise, blur and JPEG
are kept and one vehicle is placed so its plate is 80-200 px wide at 1920x1080 (what an evidence
close-up needs), front or rear, turned up to 20 degrees. `--mode scene` instead reads every plate
of at least --min-width px that the random scenes happen to contain. A read counts only when it
equals the plate's label exactly (separator dots and spaces ignored).

    PYTHONPATH=. python bench/plate_ocr_bench.py --plates 200
    PYTHONPATH=. python bench/plate_ocr_bench.py --mode scene --plates 300
    PYTHONPATH=. python bench/plate_ocr_bench.py --reader product --plates 200

`--reader raw` (default) scores RapidOCR's own text detection + recognition on the plate view
(margin, 96 px high, own border); `--reader product` scores the pipeline's `PlateReader` given the
labelled plate and vehicle boxes: the same view, plus equalised and brightened views when the first
read is not sure, then plate formats and the plate colour. A read with no valid plate is a miss.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import replace

import numpy as np

from vision.plates import PlateReader
from vision.plates.ocr import DET_SIDE, RAPIDOCR_DET_SIDE, PlateOcr, plate_view
from vision.synth.common.rng import choice, make_rng
from vision.synth.street.actors import Car, Truck
from vision.synth.street.canvas import Box
from vision.synth.street.plate_ocr import read_plate
from vision.synth.street.plates import random_plate
from vision.synth.street.scene import RenderResult, StreetScene, render, sample_scene

BUCKETS = ("<60 px", "60-80 px", "80-100 px", "100-140 px", ">=140 px")


def _bucket(width: float) -> str:
    for limit, name in zip((60, 80, 100, 140), BUCKETS, strict=False):
        if width < limit:
            return name
    return BUCKETS[-1]


def closeup(seed: int, width: int, height: int) -> tuple[RenderResult, str]:
    """One vehicle whose plate is 80-200 px wide, as a zoomed evidence camera sees it, in the
    held-out scene's light, weather, noise, blur and JPEG."""
    scene = sample_scene(seed, width, height)
    rng = make_rng(seed, "plate-closeup")
    cam = scene.layout.camera
    target_px = float(rng.uniform(80, 200))
    z_plate = (cam.mount_height - 0.5) / np.tan(np.radians(cam.tilt_deg))
    dist = float(np.hypot(z_plate, cam.mount_height - 0.5))
    focal = target_px * dist / 0.44
    hfov = float(np.degrees(2 * np.arctan(width / 2 / focal)))
    zoomed = replace(cam, hfov_deg=hfov, yaw_deg=0.0)
    layout = replace(scene.layout, camera=zoomed)
    x = cam.x + float(rng.uniform(-0.3, 0.3))
    heading = float(choice(rng, [180.0, 0.0])) + float(rng.uniform(-20, 20))
    kind = choice(rng, ["blue", "blue", "green", "yellow"])
    plate = random_plate(rng, kind)
    night = scene.layout.time_of_day != "day"
    if kind == "yellow":
        truck = Truck(
            x,
            z_plate + 3.9,
            heading,
            "dump",
            (30, 160, 230),
            (40, 140, 210),
            plate,
            load="covered",
            lights_on=night,
        )
        one = StreetScene(layout, trucks=(truck,), conditions=scene.conditions)
    else:
        car = Car(x, z_plate + 2.4, heading, "sedan", (200, 200, 200), plate, lights_on=night)
        one = StreetScene(layout, cars=(car,), conditions=scene.conditions)
    return render(one, frame_seed=seed), scene.layout.time_of_day


def _vehicle_of(plate: Box, boxes: list[Box]) -> tuple[float, float, float, float]:
    """The smallest vehicle or truck box that holds the plate's centre."""
    cx, cy = (plate.box[0] + plate.box[2]) / 2, (plate.box[1] + plate.box[3]) / 2
    holders = [
        b.box
        for b in boxes
        if b.label in ("vehicle", "truck") and b.box[0] <= cx <= b.box[2] and b.box[1] <= cy <= b.box[3]
    ]
    return min(holders, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["closeup", "scene"], default="closeup")
    parser.add_argument("--plates", type=int, default=200, help="close-ups, or scenes in scene mode")
    parser.add_argument("--first-seed", type=int, default=20_000_000, help="held-out seeds (the test split)")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--min-width", type=int, default=80, help="plates narrower than this are not counted")
    parser.add_argument("--reader", choices=["raw", "product"], default="raw")
    parser.add_argument(
        "--det-side", type=int, default=DET_SIDE,
        help=f"product reader: RapidOCR text-detector size (RapidOCR's own: {RAPIDOCR_DET_SIDE})",
    )
    parser.add_argument("--threads", type=int, default=1, help="product reader: ONNX Runtime threads per model")
    args = parser.parse_args()
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    # rendered plates: the engine the synthetic demo keeps
    product = PlateReader("rapidocr", ocr=PlateOcr(det_side=args.det_side, threads=args.threads))
    cpu = time.process_time()
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[tuple[str, str]] = []
    skipped = 0
    t0 = time.perf_counter()
    lighting: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for seed in range(args.first_seed, args.first_seed + args.plates):
        if args.mode == "closeup":
            result, tod = closeup(seed, args.width, args.height)
        else:
            result = render(sample_scene(seed, args.width, args.height), t=0.0, frame_seed=seed)
            tod = sample_scene(seed, 64, 36).layout.time_of_day
        plates: list[Box] = [b for b in result.boxes if b.label == "license_plate" and b.text]
        for box in plates:
            assert box.text is not None
            width = box.box[2] - box.box[0]
            if width < args.min_width:
                skipped += 1
                continue
            if args.reader == "raw":
                got = read_plate(ocr, plate_view(result.image, box.box))
            else:
                read = product.read(result.image, _vehicle_of(box, result.boxes), [box.box])
                got = read.text if read else ""
            ok = got == box.text
            for table, key in ((buckets, _bucket(width)), (kinds, len(box.text)), (lighting, tod)):
                table[key][0] += ok  # type: ignore[index]
                table[key][1] += 1  # type: ignore[index]
            if not ok and len(misses) < 12:
                misses.append((box.text, got))
    total_ok = sum(v[0] for v in buckets.values())
    total = sum(v[1] for v in buckets.values())
    print(
        f"{args.mode}, {args.reader} reader: {args.plates} held-out seeds at {args.width}x{args.height} in "
        f"{time.perf_counter() - t0:.0f} s, {time.process_time() - cpu:.0f} CPU s; {skipped} plates narrower "
        f"than {args.min_width} px not counted"
    )
    if args.reader == "product":
        print(f"  RapidOCR text detector at {args.det_side} px, {args.threads} thread(s) per model, no angle cls")
    for name in BUCKETS:
        ok, n = buckets.get(name, [0, 0])
        if n:
            print(f"  plate width {name:<10} {ok}/{n} exact = {ok / n:.1%}")
    for tod, (ok, n) in sorted(lighting.items()):
        print(f"  {tod:<22} {ok}/{n} exact = {ok / n:.1%}")
    for length, (ok, n) in sorted(kinds.items()):
        print(f"  {length}-character plates  {ok}/{n} exact = {ok / n:.1%}")
    print(f"exact reads: {total_ok}/{total} = {total_ok / max(total, 1):.1%}")
    for want, got in misses:
        print(f"  miss: label {want} read {got or '(nothing)'}")


if __name__ == "__main__":
    main()
