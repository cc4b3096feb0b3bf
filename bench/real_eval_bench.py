"""Detectors side by side on the real-data kit (the figures of `enforce eval --real`), with wall time.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/real_eval_bench.py \
        [--images 200] [--clips NAME ...|none] [--analysis-fps N] [--weights PATH ...] [--plates]

Prints AP50 per label (all-point interpolated, IoU 0.5, conf >= 0.001, 640 px, product backends) on
COCO128, atl_traffic_cctv/valid and fire8_fire_smoke/valid for the shipped street detector (from
configs/cameras.yaml), the kit's COCO YOLOv8n INT8 teacher (the baseline, measured in the same run)
and any --weights; then each kit clip's outcome against its MANIFEST §3 expectation (zones:
api/pipeline/kit_clips.py). Needs the kit (ENFORCE_REALDATA, default ../shared/realdata).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from api.cli_eval_real import real_eval

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "cameras.yaml")
    parser.add_argument("--detector", default="street", help="detector of the cameras file")
    parser.add_argument("--weights", type=Path, nargs="*", default=[])
    parser.add_argument("--clips", nargs="*", default=None, help="kit clip names, or 'none'")
    parser.add_argument("--images", type=int, default=200, help="images per labelled set (0: no AP)")
    parser.add_argument("--analysis-fps", type=float, default=None, help="default: each clip's own rate")
    parser.add_argument("--plates", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    real_eval(
        args.config, args.detector, args.weights, args.clips, args.images, args.analysis_fps, args.plates, False
    )
    print(f"\n{time.perf_counter() - started:.0f} s wall on {os.cpu_count()} cores "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
