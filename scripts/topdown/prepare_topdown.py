"""Build the top-down vehicle training set from the "Cars - Overhead View" Roboflow export (Public Domain,
per its README.dataset.txt and data.yaml) as NekTaf/AVDC_GDP_Cranfield_2023 committed it.

The export's train split (348 images, 416x416: Roboflow's three versions of each of 116 drone frames of
parked cars seen from straight above) is the training set; its test split (17 other frames) is the
validation set. Its one class, car, becomes the pipeline's `vehicle`. The repository is read from a git
mirror (`git show <commit>:<path>`), so the files are exactly those of the commit below.

    python scripts/topdown/prepare_topdown.py --mirror /path/to/AVDC_GDP_Cranfield_2023.git --out var/device/topdown
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

REPOSITORY = "NekTaf/AVDC_GDP_Cranfield_2023"
COMMIT = "49c51ab704c4e01fcdd5e63af2b3271171056c3b"  # added data_car/ (later commits removed it)
SPLITS = {"train": "train", "test": "val"}  # export split -> our split


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def prepare(mirror: Path, out: Path) -> dict[str, int]:
    """Write out/{images,labels}/{train,val} and out/data.yaml; returns the image count per split."""
    commit = _git(mirror, "rev-parse", COMMIT).decode().strip()
    paths = _git(mirror, "ls-tree", "-r", "--name-only", commit, "data_car/").decode().splitlines()
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    for source, split in SPLITS.items():
        images = sorted(p for p in paths if p.startswith(f"data_car/{source}/images/") and p.endswith(".jpg"))
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        for image in images:
            data = _git(mirror, "show", f"{commit}:{image}")
            label_path = image.replace("/images/", "/labels/")[: -len(".jpg")] + ".txt"
            label = _git(mirror, "show", f"{commit}:{label_path}").decode() if label_path in paths else ""
            rows = [" ".join(["0", *line.split()[1:5]]) for line in label.splitlines() if len(line.split()) >= 5]
            name = Path(image).name
            (out / "images" / split / name).write_bytes(data)
            (out / "labels" / split / (Path(name).stem + ".txt")).write_text("\n".join(rows) + "\n" if rows else "")
            digest.update(name.encode() + hashlib.sha256(data).digest())
        counts[split] = len(images)
    (out / "data.yaml").write_text(
        f"path: {out.resolve()}\ntrain: images/train\nval: images/val\nnames:\n  0: vehicle\n"
    )
    (out / "SOURCE.txt").write_text(
        f"{REPOSITORY} {commit} data_car/{{train,test}} (Public Domain, Roboflow "
        f"car-detection-overhead-view/cars---overhead-view v3)\nimages sha256 over (name, sha256): "
        f"{digest.hexdigest()}\n"
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, required=True, help="a git clone of " + REPOSITORY)
    parser.add_argument("--out", type=Path, default=Path("var/device/topdown"))
    args = parser.parse_args()
    counts = prepare(args.mirror, args.out)
    print(f"{args.out}: {counts}; {(args.out / 'SOURCE.txt').read_text()}")


if __name__ == "__main__":
    main()
