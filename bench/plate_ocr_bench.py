"""How legible are the rendered plates? RapidOCR (offline, ONNX) on plate crops from rendered scenes.

Scenes are rendered at evidence resolution (1920x1080 by default); every labelled plate at least
--min-width pixels wide is cropped with a margin, upscaled and read. A read counts only when it
equals the plate's label exactly (separator dots and spaces ignored).

    PYTHONPATH=. python bench/plate_ocr_bench.py --scenes 300
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from vision.synth.street.plate_ocr import crop_plate, read_plate
from vision.synth.street.scene import render, sample_scene

BUCKETS = ("<60 px", "60-80 px", "80-100 px", "100-140 px", ">=140 px")


def _bucket(width: float) -> str:
    for limit, name in zip((60, 80, 100, 140), BUCKETS, strict=False):
        if width < limit:
            return name
    return BUCKETS[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenes", type=int, default=300)
    parser.add_argument("--first-seed", type=int, default=20_000_000, help="held-out seeds (the test split)")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--min-width", type=int, default=80, help="plates narrower than this are not counted")
    args = parser.parse_args()
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[tuple[str, str]] = []
    skipped = 0
    t0 = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.scenes):
        result = render(sample_scene(seed, args.width, args.height), t=0.0, frame_seed=seed)
        for box in result.boxes:
            if box.label != "license_plate" or box.text is None:
                continue
            width = box.box[2] - box.box[0]
            if width < args.min_width:
                skipped += 1
                continue
            got = read_plate(ocr, crop_plate(result.image, box.box))
            ok = got == box.text
            bucket = _bucket(width)
            buckets[bucket][0] += ok
            buckets[bucket][1] += 1
            kinds[len(box.text)][0] += ok
            kinds[len(box.text)][1] += 1
            if not ok and len(misses) < 12:
                misses.append((box.text, got))
    total_ok = sum(v[0] for v in buckets.values())
    total = sum(v[1] for v in buckets.values())
    print(
        f"{args.scenes} held-out scenes at {args.width}x{args.height} in {time.perf_counter() - t0:.0f} s; "
        f"{skipped} plates narrower than {args.min_width} px not counted"
    )
    for name in BUCKETS:
        ok, n = buckets.get(name, [0, 0])
        if n:
            print(f"  plate width {name:<10} {ok}/{n} exact = {ok / n:.1%}")
    for length, (ok, n) in sorted(kinds.items()):
        print(f"  {length}-character plates  {ok}/{n} exact = {ok / n:.1%}")
    print(f"exact reads: {total_ok}/{total} = {total_ok / max(total, 1):.1%}")
    for want, got in misses:
        print(f"  miss: label {want} read {got or '(nothing)'}")


if __name__ == "__main__":
    main()
