"""Single-frame plate reading accuracy on plates from the synthetic street renderer.

    PYTHONPATH=. python bench/plate_reading.py [--per-cell 20]

Each plate is pasted on a grey vehicle in a 1280x720 frame, shrunk to a given width in pixels, and
read twice: by colour search alone, and with the plate box given (as the detector's license_plate
class would). Prints exact-match rates per plate colour and width. Needs vision.synth (feat/synth).
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from vision.plates import PlateReader

VEHICLE = (500.0, 300.0, 800.0, 560.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-cell", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from vision.synth.street.plates import random_plate, render_plate  # type: ignore[import-not-found]

    reader = PlateReader("rapidocr")  # rendered plates: the engine the synthetic demo keeps
    rng = np.random.default_rng(args.seed)
    print(f"{'colour':8}{'width px':>9}{'colour search':>15}{'with box':>10}{'ms/read':>9}")
    for kind in ("blue", "green", "yellow"):
        for width in (70, 100, 140):
            by_colour = by_box = 0
            spent = 0.0
            for _ in range(args.per_cell):
                plate = random_plate(rng, kind)
                image = render_plate(plate, int(rng.integers(1, 3)))
                factor = width / image.shape[1]
                image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
                frame = np.full((720, 1280, 3), 150, np.uint8)
                frame[300:560, 500:800] = (140, 140, 145)
                h, w = image.shape[:2]
                x, y = 650 - w // 2, 520 - h // 2
                frame[y : y + h, x : x + w] = image
                start = time.perf_counter()
                found = reader.read(frame, VEHICLE)
                spent += time.perf_counter() - start
                boxed = reader.read(frame, VEHICLE, [(x, y, x + w, y + h)])
                by_colour += found is not None and found.text == plate.text
                by_box += boxed is not None and boxed.text == plate.text
            n = args.per_cell
            print(f"{kind:8}{width:>9}{by_colour / n:>15.2f}{by_box / n:>10.2f}{spent / n * 1000:>9.0f}")


if __name__ == "__main__":
    main()
