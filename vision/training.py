"""Detector training: a thin wrapper over ultralytics that works offline.

Used by `enforce train` for the shipped synthetic-data models and for fine-tuning on a city's own
labelled footage (`--base path/to/yolov8n.pt`, or a shipped street-v1.pt).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    cache: bool | str = False  # True/"ram" or "disk"
    freeze: int | None = None  # freeze the first N modules (10 = the YOLOv8 backbone)
    lr0: float | None = None  # initial learning rate; None lets ultralytics choose with the optimiser
    optimizer: str = "auto"
    keep_architecture: bool = False  # train the base model object as it is (see _AsIsTrainer)
    extra: dict[str, object] | None = None  # any other ultralytics train argument, e.g. {"mosaic": 0.5}
    prepare: Callable[[Any], None] | None = None  # with keep_architecture: called on the model to train
    # (e.g. to mask gradients so that only one class's classifier row learns)


def _skip_amp_download() -> None:
    """Ultralytics' AMP self-check downloads yolo26n.pt; offline we trust AMP on CUDA instead."""
    from ultralytics.engine import trainer

    trainer.check_amp = lambda *args, **kwargs: True  # type: ignore[attr-defined]


def read_results_without_polars() -> None:
    """Ultralytics reads its results.csv with polars when saving a checkpoint; where polars is not
    installed (a bare GPU machine: its runtime wheel alone is larger than what may travel there), read it
    with the csv module instead, numbers as numbers."""
    try:
        import polars  # noqa: F401
    except ImportError:
        import csv

        from ultralytics.engine import trainer

        def number(text: str) -> float | str:
            try:
                return float(text)
            except ValueError:
                return text

        def read_results_csv(self: object) -> dict[str, list[float | str]]:
            path = Path(self.csv)  # type: ignore[attr-defined]
            if not path.is_file():
                return {}
            with path.open(newline="") as handle:
                rows = list(csv.DictReader(handle))
            return {key.strip(): [number(row[key].strip()) for row in rows] for key in (rows[0] if rows else {})}

        trainer.BaseTrainer.read_results_csv = read_results_csv  # type: ignore[method-assign]


def _as_is_trainer(prepare: Callable[[Any], None] | None = None) -> type:
    """A detection trainer that trains the base model object itself.

    Ultralytics rebuilds a model from its yaml for the dataset's class count and copies over only
    the weights whose shapes still match. A model whose classifier was retargeted to new classes
    (`vision.head_transfer`) keeps COCO's classifier width, so a rebuild would throw those weights
    away; this trainer keeps them.
    """
    import copy

    from ultralytics.models.yolo.detect import DetectionTrainer

    class _AsIsTrainer(DetectionTrainer):  # type: ignore[misc]
        def get_model(self, cfg: Any = None, weights: Any = None, verbose: bool = True) -> Any:
            if weights is None:
                return super().get_model(cfg=cfg, weights=weights, verbose=verbose)
            model = copy.deepcopy(weights).float()
            if int(model.nc) != int(self.data["nc"]):
                raise ValueError(f"base model predicts {model.nc} classes, the dataset has {self.data['nc']}")
            for parameter in model.parameters():
                parameter.requires_grad_(True)
            if prepare is not None:
                prepare(model)
            return model

    return _AsIsTrainer


def train(request: TrainRequest) -> Path:
    """Train and return the path of the best weights, copied to `request.out / 'best.pt'` (beside it the
    run's results.csv, where Ultralytics wrote one)."""
    if not request.data.is_file():
        raise FileNotFoundError(f"dataset description {request.data} does not exist")
    base = request.base
    if base.endswith(".pt") and not Path(base).is_file():
        raise FileNotFoundError(f"base weights {base} not found (nothing is downloaded: give a local path)")
    from ultralytics import YOLO

    _skip_amp_download()
    read_results_without_polars()
    model = YOLO(base)
    out = request.out.resolve()  # Ultralytics files a relative project under runs/detect/ instead
    run_dir = out / "run"
    kwargs: dict[str, object] = dict(
        data=str(request.data),
        epochs=request.epochs,
        imgsz=request.imgsz,
        batch=request.batch,
        device=request.device,
        workers=request.workers,
        project=str(out),
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
    if request.freeze is not None:
        kwargs["freeze"] = request.freeze
    if request.lr0 is not None:
        kwargs["lr0"] = request.lr0
    kwargs["optimizer"] = request.optimizer
    kwargs.update(request.extra or {})
    if request.prepare is not None and not request.keep_architecture:
        raise ValueError("TrainRequest.prepare needs keep_architecture=True (the model object it prepares is trained)")
    model.train(trainer=_as_is_trainer(request.prepare) if request.keep_architecture else None, **kwargs)
    best = run_dir / "weights" / "best.pt"
    if not best.is_file():
        raise RuntimeError(f"training finished without {best}")
    target = out / "best.pt"
    shutil.copyfile(best, target)
    if (run_dir / "results.csv").is_file():
        shutil.copyfile(run_dir / "results.csv", out / "results.csv")
    log.info("best weights at %s", target)
    return target


def export_onnx(weights: Path, imgsz: int = 960) -> Path:
    """Export .pt weights to ONNX beside them (CPU, no downloads). Height and width are dynamic, so
    the detector's configured image size (a multiple of 32) decides the speed/accuracy trade."""
    from ultralytics import YOLO

    out = YOLO(str(weights)).export(format="onnx", imgsz=imgsz, simplify=False, dynamic=True, opset=17)
    return Path(str(out))
