"""`enforce eval --real` as an operator runs it, on the real-data kit: the AP table with the shipped
detector beside the COCO teacher, the fire8 caveat, a clip judged against MANIFEST §3, the plate hook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def enforce(*args: str, kit: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ENFORCE_REALDATA": str(kit), "YOLO_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "eval", "--real", *args],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=600,
    )


@pytest.mark.slow
def test_eval_real_prints_detectors_side_by_side(kit: Path) -> None:
    result = enforce("--images", "4", "--clips", "overhead_parking_lot_car_parks", "--plates", kit=kit)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = next(line for line in out.splitlines() if line.startswith("data set"))
    assert header.split()[-2:] == ["street", "coco-yolov8n-int8"]
    scored = [("coco128", "person"), ("atl_traffic_cctv/valid", "vehicle"), ("fire8_fire_smoke/valid", "smoke")]
    for dataset, label in scored:
        row = next(line for line in out.splitlines() if line.startswith(f"{dataset} (4 img)") and f" {label} " in line)
        cells = row.split()[-2:]
        assert all(c in ("n/a", "-") or 0.0 <= float(c) <= 1.0 for c in cells), row
    smoke = next(line for line in out.splitlines() if line.startswith("fire8") and " smoke " in line)
    assert smoke.split()[-1] == "n/a"  # the COCO teacher has no smoke class
    assert "share source videos with fire8's own test split" in out
    assert "expected: 7 parking cases in the lot" in out
    lot = [line.split() for line in out.splitlines() if line.startswith("  ") and "lot:" in line]
    assert len(lot) == 3 and {row[0] for row in lot} <= {"PASS", "FAIL"}
    assert lot[2][1:4] == ["as", "configured", "[street-topdown]"]  # the detector a top-down camera is given
    crops = next(line for line in out.splitlines() if "datasets/lprnet_plates_cn: exact match" in line)
    assert crops.strip().startswith("plates (lprnet)") and crops.endswith("(1000 plates)"), crops
    clip = next(line for line in out.splitlines() if "cn_beijing_traffic_closeup_plates: listed plates read" in line)
    assert clip.endswith("(7 plates)"), clip


@pytest.mark.slow
def test_eval_real_json_counts_truths_from_the_label_files(kit: Path) -> None:
    result = enforce("--images", "3", "--clips", "none", "--json", kit=kit)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [d["name"] for d in summary["detectors"]] == ["street", "coco-yolov8n-int8"]
    assert summary["clips"] == [] and summary["plates"] is None
    labels = sorted((kit / "datasets" / "atl_traffic_cctv" / "valid" / "labels").glob("*.txt"))[:3]
    vehicles = sum(line.split()[0] in ("1", "2") for f in labels for line in f.read_text().splitlines() if line.strip())
    row = next(r for r in summary["ap50"] if r["dataset"] == "atl_traffic_cctv/valid" and r["label"] == "vehicle")
    assert row["truths"] == vehicles and row["images"] == 3


def test_eval_real_names_an_unknown_clip(kit: Path) -> None:
    result = enforce("--clips", "no_such_clip", kit=kit)
    assert result.returncode == 2
    assert "no kit clip ['no_such_clip']" in result.stderr


def test_eval_real_without_the_kit_says_where_it_looked(tmp_path: Path) -> None:
    result = enforce("--images", "1", kit=tmp_path / "nowhere")
    assert result.returncode == 2
    assert f"real-data kit not found at {tmp_path / 'nowhere'}" in result.stderr
