"""`enforce synth ...` (synthetic datasets, scenario clips, demo footage) and `enforce train`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

synth_app = typer.Typer(
    help="Synthetic scenes: training data, scenario clips with ground truth, demo footage.",
    no_args_is_help=True,
)
DEMO_CLIPS = {"parking": "parking", "worksite": "worksite", "barbecue": "barbecue"}


@synth_app.command("street-dataset")
def street_dataset(
    out: Annotated[Path, typer.Argument(help="Folder for data.yaml, images/ and labels/.")],
    train: Annotated[int, typer.Option(min=0, help="Training images (seeds 0..).")] = 8000,
    val: Annotated[int, typer.Option(min=0, help="Validation images (seeds 10,000,000..).")] = 500,
    test: Annotated[int, typer.Option(min=0, help="Held-out test images (seeds 20,000,000..).")] = 500,
    workers: Annotated[int, typer.Option(min=1, help="Rendering processes.")] = 2,
) -> None:
    """Render a street-camera YOLO dataset (vehicle, truck, person, license_plate, mud, uncovered_load,
    smoke, grill)."""
    from vision.synth.street.dataset import build_street_dataset

    if train + val + test == 0:
        typer.echo("nothing to render: --train, --val and --test are all 0", err=True)
        raise typer.Exit(2)
    data = build_street_dataset(out, train, val, test, workers=workers)
    typer.echo(f"{data}: {train} train, {val} val, {test} test images")


@synth_app.command("scenarios")
def scenarios(
    out: Annotated[Path, typer.Argument(help="Folder for <name>.mp4 and <name>.json (ground truth).")],
    only: Annotated[
        list[str] | None, typer.Option(help="Scenario to render (repeatable); default all.")
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed for colours, plates and noise.")] = 0,
    fps: Annotated[int, typer.Option(min=1, max=30, help="Frames per second.")] = 10,
) -> None:
    """Render street scenario clips with ground truth: parking, worksite, barbecue, barbecue_offhours and
    the hard parking scenes (parking_dense_traffic, parking_stop_and_go, parking_lookalike_swap,
    parking_occluded, parking_curb_row)."""
    from vision.synth.street import scenarios as sc

    names = only or list(sc.SCENARIOS)
    unknown = [n for n in names if n not in sc.SCENARIOS]
    if unknown:
        typer.echo(f"unknown scenario(s) {', '.join(unknown)}; expected {', '.join(sc.SCENARIOS)}", err=True)
        raise typer.Exit(2)
    for name in names:
        video, truth = sc.write(sc.build(name, seed, fps), out)
        typer.echo(f"{video} + {truth.name}")


@synth_app.command("demo")
def demo(
    out: Annotated[Path, typer.Argument(help="Folder for the demo clips.")] = Path("demo"),
) -> None:
    """Regenerate demo/parking.mp4, demo/worksite.mp4 and demo/barbecue.mp4 (seed 0, deterministic)."""
    from vision.synth.street import scenarios as sc

    for stem, name in DEMO_CLIPS.items():
        video, truth = sc.write(sc.build(name, 0, 10), out, stem=stem)
        typer.echo(f"{video} + {truth.name}")


def train_command(
    data: Annotated[Path, typer.Option(help="YOLO data.yaml (synthetic or a city's own labelled footage).")],
    out: Annotated[Path, typer.Option(help="Folder for the run and best.pt.")],
    base: Annotated[
        str, typer.Option(help="Model yaml for random init (yolov8n.yaml) or local .pt weights.")
    ] = "yolov8n.yaml",
    epochs: Annotated[int, typer.Option(min=1)] = 60,
    imgsz: Annotated[int, typer.Option(min=32)] = 960,
    batch: Annotated[int, typer.Option(min=1)] = 16,
    device: Annotated[str, typer.Option(help="cpu, 0, 0,1 ...")] = "cpu",
    workers: Annotated[int, typer.Option(min=0)] = 2,
    time_hours: Annotated[
        float | None, typer.Option(help="Stop after this many hours (overrides epochs).")
    ] = None,
    cache: Annotated[bool, typer.Option(help="Keep decoded training images in RAM.")] = False,
    onnx: Annotated[bool, typer.Option(help="Also export best.onnx beside best.pt.")] = False,
) -> None:
    """Train (or fine-tune) a detector with ultralytics; nothing is downloaded."""
    from vision.training import TrainRequest, export_onnx, train

    try:
        best = train(
            TrainRequest(
                data=data,
                out=out,
                base=base,
                epochs=epochs,
                imgsz=imgsz,
                batch=batch,
                device=device,
                workers=workers,
                time_hours=time_hours,
                cache=cache,
            )
        )
    except FileNotFoundError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"best weights: {best}")
    if onnx:
        typer.echo(f"onnx: {export_onnx(best, imgsz)}")
