"""street-v3 against street-v2: the new class's accuracy, and the nine old classes untouched.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/street_v3_vending_bench.py [--test 100] [--pairs 40] \
        [--baseline DIR]

Prints, measured in one run, for the shipped street-v3 and for each `--baseline` folder holding
another street-v3's three files (e.g. an earlier version taken from git), on the same scenes:
1. `vending_stall` AP50 / AP50-95 / P / R of street-v3.pt on held-out synthetic vending scenes (seeds
   from `vision.synth.street.dataset.TEST_SEED0`, never trained on) at 640, as deployed, and at 416,
   the training size (Ultralytics validator).
2. Old classes unchanged: the largest absolute difference between street-v2's and street-v3's raw
   outputs (box rows and the nine old class rows) on held-out frames, for the .pt weights and for the
   FP32 and INT8 ONNX files through ONNX Runtime.
3. Goods or not: how often the shipped INT8 model (product ONNX backend, confidence 0.25) finds a
   `vending_stall` on a vendor with goods and on the same tricycle or cart bare, same place and pose.
4. The vending scenarios end to end at 2 fps: street-v3-int8 detections into the street-vending
   rule; each reported case against the scripted violations (matched by its stall's box).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from domain.types import Frame
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.letterbox import model_input
from vision.detectors.onnx_backend import OnnxDetector
from vision.rules.common import iou
from vision.rules.street_vending import StreetVendingRule
from vision.synth.common.rng import choice, make_rng
from vision.synth.street.dataset import TEST_SEED0
from vision.synth.street.scene import StreetScene, render, sample_scene
from vision.synth.street.vending import Vendor
from vision.synth.street.vending_dataset import STREET_V3_NAMES, build_vending_dataset, render_vending_sample
from vision.synth.street.vending_scenarios import BUILDERS
from vision.violations.street_vending import StreetVendingDetails, VendingWatchZone

REPO = Path(__file__).resolve().parents[1]
V2, V3 = REPO / "vision/models/street-v2", REPO / "vision/models/street-v3"
OLD_ROWS = 4 + 9  # box rows then the nine old class rows of the (1, 4 + nc, anchors) output
PAIR_SEED0 = TEST_SEED0 + 500_000


def ap_figures(weights: Path, data: Path, imgsz: int) -> dict[str, float]:
    from ultralytics import YOLO

    with tempfile.TemporaryDirectory() as runs:
        result: Any = YOLO(str(weights)).val(
            data=str(data), split="test", imgsz=imgsz, batch=8, device="cpu", plots=False, verbose=False,
            project=runs, name="val", workers=0,
        )
    row = list(result.box.ap_class_index).index(STREET_V3_NAMES.index("vending_stall"))
    p, r, ap50, ap = result.box.class_result(row)
    return {"P": p, "R": r, "AP50": ap50, "AP50-95": ap}


def pt_outputs(path: Path, images: list[np.ndarray]) -> list[np.ndarray]:
    import torch
    from ultralytics import YOLO

    model: Any = YOLO(str(path)).model
    model = model.float().eval()
    outs = []
    with torch.no_grad():
        for image in images:
            tensor, _ = model_input(image, None, 640)
            out = model(torch.from_numpy(tensor))
            outs.append((out[0] if isinstance(out, list | tuple) else out).numpy())
    return outs


def onnx_outputs(path: Path, images: list[np.ndarray]) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return [session.run(None, {name: model_input(image, None, 640)[0]})[0] for image in images]


def old_rows_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.abs(x[:, :OLD_ROWS] - y[:, :OLD_ROWS]).max()) for x, y in zip(a, b, strict=True))


def int8_detector(folder: Path) -> OnnxDetector:
    return OnnxDetector(OnnxDetectorConfig(type="onnx", weights=folder / "street-v3-int8.onnx", image_size=640))


def goods_or_not(folder: Path, pairs: int) -> tuple[int, int, int]:
    """(pairs, found with goods, found bare): each pair the same random scene and vendor spot."""
    detector = int8_detector(folder)
    hits = {True: 0, False: 0}
    counted = 0
    for k in range(pairs):
        seed = PAIR_SEED0 + k
        rng = make_rng(seed, "pair")
        base = sample_scene(seed)
        lay = base.layout
        x = lay.road_left - float(rng.uniform(0.8, 2.5))
        z = float(rng.uniform(6.0, 16.0))
        style = choice(rng, ["tricycle", "cart"])
        body: Any = tuple(int(c) for c in rng.integers(30, 220, 3))
        heading = float(choice(rng, [90.0, -90.0, 0.0]))
        goods = choice(rng, ["produce", "wares", "cartons"])
        images, reference = {}, None
        for loaded in (True, False):
            vendor = Vendor(x, z, style, goods if loaded else "none", body, heading=heading, seed=seed)  # type: ignore[arg-type]
            result = render(StreetScene(lay, trade=(vendor,), conditions=base.conditions), frame_seed=seed)
            images[loaded] = result.image
            reference = reference or next((b.box for b in result.boxes if b.label == "vending_stall"), None)
        if reference is None:
            continue  # the loaded vendor is hidden or off the picture
        counted += 1
        ref = np.asarray(reference, np.float32)
        for loaded, image in images.items():
            found = detector.detect(image)
            hits[loaded] += any(
                label == "vending_stall" and iou(found.boxes[i], ref) >= 0.3 for i, label in enumerate(found.labels)
            )
    return counted, hits[True], hits[False]


def _nearest_actor(scenario: Any, t: float, point: tuple[float, float]) -> str:
    """The scripted vendor (with goods or bare) whose ground position projects nearest to `point`."""
    best, where = "nothing", float("inf")
    for actor in scenario.actors:
        pos = actor.track.at(t)
        if not isinstance(actor.thing, Vendor) or pos is None:
            continue
        pixels, _ = scenario.layout.camera.project(np.array([[pos[0], 0.0, pos[1]]]))
        d = float(np.hypot(pixels[0, 0] - point[0], pixels[0, 1] - point[1]))
        if d < where:
            best, where = actor.id, d
    return best


def scenario_cases(name: str, detector: OnnxDetector) -> tuple[list[str], list[str]]:
    """(scripted violations, reported cases: the scripted vendor nearest the case's stall, when, people)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from vision.rules.common import anchor
    from vision.synth.street.scene import render_background

    scenario = BUILDERS[name](0, 2)
    camera: Any = scenario.camera
    rule = StreetVendingRule(VendingWatchZone.model_validate(camera["zones"][0]), ZoneInfo(camera["timezone"]))
    start = datetime.fromisoformat(camera["start_time"])
    background = render_background(scenario.layout, scenario.seed)
    reported = []
    for i in range(scenario.frames):
        t = i / scenario.fps
        image = render(scenario.scene_at(t), t=t, frame_seed=i, background=background).image
        for case in rule.update(Frame("bench", i, start + timedelta(seconds=t), image), detector.detect(image)):
            stall = anchor(np.asarray(case.photos[-1].marks[0].box, np.float32))
            first = (case.first_seen_at - start).total_seconds()
            who = _nearest_actor(scenario, t, stall)
            details = case.details
            assert isinstance(details, StreetVendingDetails)
            reported.append(f"{who} from {first} s confirmed {t} s, people {details.people_count}")
    scripted = [f"{v['object_id']} from {v['start_s']} s, people {v['people']}" for v in scenario.violations]
    return scripted, reported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--test", type=int, default=100, help="held-out synthetic vending scenes")
    parser.add_argument("--pairs", type=int, default=40, help="goods / bare vendor pairs")
    parser.add_argument("--frames", type=int, default=4, help="frames for the old-class output comparison")
    parser.add_argument("--baseline", type=Path, action="append", default=[],
                        help="a folder with another street-v3's street-v3.pt, .onnx and -int8.onnx")
    args = parser.parse_args()
    folders = {"shipped": V3, **{str(b): b for b in args.baseline}}
    for name, folder in folders.items():
        missing = [f for f in ("street-v3.pt", "street-v3.onnx", "street-v3-int8.onnx") if not (folder / f).is_file()]
        if missing:
            raise SystemExit(f"{name} ({folder}) lacks {missing}")
    with tempfile.TemporaryDirectory() as tmp:
        data = build_vending_dataset(Path(tmp), 0, 0, args.test)
        labels = sum(1 for f in (Path(tmp) / "labels" / "test").glob("*.txt") for line in f.read_text().splitlines()
                     if line.split()[0] == str(STREET_V3_NAMES.index("vending_stall")))
        print(f"1. vending_stall on {args.test} held-out synthetic vending scenes ({labels} stall boxes), street-v3.pt")
        for name, folder in folders.items():
            for imgsz in (640, 416):
                figures = ap_figures(folder / "street-v3.pt", data, imgsz)
                print(f"   {name} imgsz {imgsz}: " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    images = [render_vending_sample(TEST_SEED0 + 900 + i)[0] for i in range(args.frames)]
    print(f"2. max |street-v2 - street-v3| over box + 9 old class rows, {args.frames} held-out frames at 640")
    v2_pt = pt_outputs(V2 / "street-v2.pt", images)
    v2_onnx = {suffix: onnx_outputs(V2 / f"street-v2{suffix}", images) for suffix in (".onnx", "-int8.onnx")}
    for name, folder in folders.items():
        print(f"   {name} .pt (torch): {old_rows_diff(v2_pt, pt_outputs(folder / 'street-v3.pt', images)):.3g}")
        for suffix, a in v2_onnx.items():
            b = onnx_outputs(folder / f"street-v3{suffix}", images)
            print(f"   {name} street-vN{suffix} (ONNX Runtime): {old_rows_diff(a, b):.3g}")
    for name, folder in folders.items():
        pairs, loaded, bare = goods_or_not(folder, args.pairs)
        print(f"3. {name} street-v3-int8 at 0.25, {pairs} same-place pairs: vending_stall found on {loaded} with "
              f"goods, on {bare} bare (tricycle or cart without goods)")
    for name, folder in folders.items():
        detector = int8_detector(folder)
        for scenario in sorted(BUILDERS):
            scripted, reported = scenario_cases(scenario, detector)
            print(f"4. {name} scenario {scenario}: scripted {scripted or 'none'}; "
                  f"reported {len(reported)}: {reported or 'none'}")


if __name__ == "__main__":
    main()
