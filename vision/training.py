"""Detector training: a thin wrapper over ultralytics that works offline.

Used by `enforce train` for the shipped synthetic-data models and for fine-tuning on a city's own
labelled footage (`--base path/to/yolov8n.pt`, or a shipped street-v1.pt).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainRequest:
    data: Path  # YOLO data.yaml
    out: Path  # where best.pt (and the run folder) go
    base: str = "yolov8n.yaml"  # a model yaml (random init) or local weights (.pt)
    epochs: int = 60
    imgsz: int = 640
    batch: int = 32
    device: str = "cpu"
    workers: int = 2
    time_hours: float | None = None  # stop after this long (overrides epochs), as ultralytics does
    seed: int = 0
    cache: bool = False


def _skip_amp_download() -> None:
    """Ultralytics' AMP self-check downloads yolo26n.pt; offline we trust AMP on CUDA instead."""
    from ultralytics.engine import trainer

    trainer.check_amp = lambda *args, **kwargs: True  # type: ignore[attr-defined]


def train(request: TrainRequest) -> Path:
    """Train and return the path of the best weights, copied to `request.out / 'best.pt'`."""
    if not request.data.is_file():
        raise FileNotFoundError(f"dataset description {request.data} does not exist")
    base = request.base
    if base.endswith(".pt") and not Path(base).is_file():
        raise FileNotFoundError(f"base weights {base} not found (nothing is downloaded: give a local path)")
    from ultralytics import YOLO

    _skip_amp_download()
    model = YOLO(base)
    run_dir = request.out / "run"
    kwargs: dict[str, object] = dict(
        data=str(request.data),
        epochs=request.epochs,
        imgsz=request.imgsz,
        batch=request.batch,
        device=request.device,
        workers=request.workers,
        project=str(request.out),
        name="run",
        exist_ok=True,
        seed=request.seed,
        deterministic=False,
        plots=False,
        cache=request.cache,
        verbose=False,
    )
    if request.time_hours:
        kwargs["time"] = request.time_hours
    model.train(**kwargs)
    best = run_dir / "weights" / "best.pt"
    if not best.is_file():
        raise RuntimeError(f"training finished without {best}")
    target = request.out / "best.pt"
    shutil.copyfile(best, target)
    log.info("best weights at %s", target)
    return target


def export_onnx(weights: Path, imgsz: int = 960) -> Path:
    """Export .pt weights to ONNX beside them (CPU, no downloads). Height and width are dynamic, so
    the detector's configured image size (a multiple of 32) decides the speed/accuracy trade."""
    from ultralytics import YOLO

    out = YOLO(str(weights)).export(format="onnx", imgsz=imgsz, simplify=False, dynamic=True, opset=17)
    return Path(str(out))
