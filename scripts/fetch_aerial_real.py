"""Rebuild var/device/aerial_real: licensed real drone frames (negatives for roof_structure) from a
fetched copy of their public repository, downscaled to 960x540, with manifest.tsv.

    PYTHONPATH=. python scripts/fetch_aerial_real.py \
        --git-dir /work/.mirror/angoca+Aqua-Residencial-La-Primavera-Chia-Cundinamarca/repo \
        --out var/device/aerial_real

Source: github.com/angoca/Aqua-Residencial-La-Primavera-Chia-Cundinamarca at COMMIT, folder
Drone/Fotos (DJI 4000x2250 drone photos over Chía, Colombia, 2025-11-05). Its README states: "Todos los
archivos (fotos, ortofotos, trazas) de este repositorio están bajo dominio público" (public domain).
Frames are split by scene, so the held-out frames show streets the training frames do not:
- train / val (`use` = train): the apartment complex seen straight down (0046-0050, 0114-0123, 0211),
  the roundabout park (0058) and the oblique views of the apartment blocks (0311-0345);
- test (`use` = test, never trained on): the avenue with cars, low-rise houses and tower blocks
  (0016-0020) and the streets with parked and moving cars (0355-0360): the road/car negatives;
- review (`use` = review, never trained on, no truth): the dense low-rise blocks (0110, 0113, 0190,
  0191), whose flat roofs carry what may be real rooftop add-ons; nobody has labelled them.
Frames at ground level or towards the horizon (0072-0077, 0294-0299) are left out.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

import cv2
import numpy as np

REPO = "angoca/Aqua-Residencial-La-Primavera-Chia-Cundinamarca"
COMMIT = "ddc949eb48009bd65c02eccb17a56d180ced39aa"
LICENCE = "public domain (repository README)"
FOLDER = "Drone/Fotos"
SIZE = (960, 540)
QUALITY = 85

TRAIN = (46, 47, 49, 50, 58, 114, 115, 116, 117, 118, 119, 120, 121, 122, 311, 312, 313, 315, 316, 317,
         319, 320, 321, 322, 323, 329, 330, 331, 333, 334, 335, 336, 337, 338, 339, 340, 341)
VAL = (48, 123, 211, 342, 343, 344, 345)
TEST = (16, 17, 18, 19, 20, 355, 356, 359, 360)
REVIEW = (110, 113, 190, 191)


def selection() -> list[tuple[int, str, str]]:
    """(frame number, use, split) for every frame taken."""
    rows = [(n, "train", "train") for n in TRAIN] + [(n, "train", "val") for n in VAL]
    rows += [(n, "test", "test") for n in TEST] + [(n, "review", "review") for n in REVIEW]
    numbers = [r[0] for r in rows]
    if len(numbers) != len(set(numbers)):
        raise ValueError("a frame is listed in two splits")
    return rows


def blob(git_dir: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{COMMIT}:{path}"], check=True, capture_output=True
    ).stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--git-dir", type=Path, required=True, help=f"bare git dir of {REPO}")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["file\trepo\tcommit\tpath\tsha256\tlicence\tuse\tsplit"]
    for number, use, split in selection():
        path = f"{FOLDER}/DJI_{number:04d}.JPG"
        data = blob(args.git_dir, path)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"{path}: not a decodable image")
        small = cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)
        name = f"chia_{number:04d}.jpg"
        cv2.imwrite(str(args.out / name), small, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
        sha = hashlib.sha256(data).hexdigest()
        lines.append(f"{name}\t{REPO}\t{COMMIT}\t{path}\t{sha}\t{LICENCE}\t{use}\t{split}")
    (args.out / "manifest.tsv").write_text("\n".join(lines) + "\n")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{args.out}: {len(lines) - 1} frames, {size / 1e6:.1f} MB")  # noqa: T201 - a script


if __name__ == "__main__":
    main()
