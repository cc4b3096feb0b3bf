"""False parking cases on real footage where nobody parks (the real-data kit's negative clips).

    PYTHONPATH=$PWD .venv/bin/python bench/parking_real_bench.py [--fps 1 2 4]

Plays the expressway, motorway and Beijing queue clips through a real camera worker with a
no-parking zone over the lanes (stop times 5 s and 20 s), with the kit's COCO YOLOv8n INT8 detector
and the shipped street detector, and prints the parking cases per detector, clip and analysed rate
(every one is false) and the wall time. `tests/integration/realdata/test_parking_negatives.py`
asserts the same figures are all 0.
"""

from __future__ import annotations

import argparse
import time

from api.pipeline.real_clips import false_cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fps", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    args = parser.parse_args()
    started = time.perf_counter()
    rows = false_cases(tuple(args.fps))
    print(f"{'detector':20s} {'clip':36s} {'fps':>4s} {'false cases':>12s}")
    for detector, clip, fps, count in rows:
        print(f"{detector:20s} {clip:36s} {fps:4g} {count:12d}")
    print(f"total false parking cases: {sum(r[3] for r in rows)} in {len(rows)} runs "
          f"({time.perf_counter() - started:.0f} s wall)")


if __name__ == "__main__":
    main()
