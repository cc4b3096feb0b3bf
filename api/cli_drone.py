"""`enforce synth-aerial ...` (aerial synthetic data) and `enforce drone ...` (eval, jobs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ingest.config import AppConfig

synth_aerial_app = typer.Typer(
    help="Synthetic aerial data: YOLO dataset, before/after flights.", no_args_is_help=True
)
drone_app = typer.Typer(help="Drone change detection: evaluation and processing jobs.", no_args_is_help=True)


@synth_aerial_app.command("dataset")
def synth_dataset(
    out: Annotated[Path, typer.Option(help="Output folder (data.yaml, train/val/test).")] = Path(
        "data/aerial"
    ),
    train: Annotated[int, typer.Option(help="Areas in the train split (4 views each).")] = 700,
    val: Annotated[int, typer.Option(help="Areas in the val split.")] = 50,
    test: Annotated[int, typer.Option(help="Areas in the held-out test split.")] = 100,
    workers: Annotated[int, typer.Option(help="Processes.")] = 2,
) -> None:
    """YOLO dataset for roof_structure; splits come from disjoint seed ranges."""
    from vision.synth.aerial.dataset import build_dataset

    yaml = build_dataset(out, {"train": train, "val": val, "test": test}, views=4, workers=workers)
    typer.echo(f"wrote {yaml}")


@synth_aerial_app.command("flights")
def synth_flights(
    out: Annotated[Path, typer.Option(help="Output folder; one sub-folder per pair.")] = Path("data/flights"),
    seed: Annotated[int, typer.Option(help="First seed.")] = 3_000_000,
    count: Annotated[int, typer.Option(help="Number of before/after pairs.")] = 1,
    width: Annotated[int, typer.Option()] = 1280,
    height: Annotated[int, typer.Option()] = 720,
    fps: Annotated[float, typer.Option()] = 5.0,
    duration: Annotated[
        float | None, typer.Option(help="Seconds per flight (default: path at 7 m/s).")
    ] = None,
    stills_every: Annotated[
        int, typer.Option(help="Also write a geotagged still every N poses (0: none).")
    ] = 0,
) -> None:
    """Before/after flights (MP4 + DJI SRT, optional stills) with truth.json of new structures."""
    from vision.synth.aerial.pairs import PairOptions, make_pair

    opts = PairOptions(width=width, height=height, fps=fps, duration_s=duration, stills_every=stills_every)
    for k in range(count):
        truth = make_pair(seed + k, out / f"pair-{seed + k}", opts)
        typer.echo(f"wrote {truth}")


@drone_app.command("eval")
def drone_eval(
    pairs: Annotated[int, typer.Option(help="Held-out before/after pairs to score.")] = 12,
    work_dir: Annotated[Path, typer.Option(help="Where the pairs are generated (reused).")] = Path(
        "var/eval/drone"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Precision, recall, median area and position error on held-out synthetic flights, with the
    cameras file's `drone:` section and the detector it names."""
    from api.pipeline.evaluate_drone import evaluate
    from vision.detectors.base import DetectorError

    config = _app_config()
    try:
        result = evaluate(work_dir, pairs, drone=config.drone, detector=config.drone_detector())
    except DetectorError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(result.to_json())
        return
    typer.echo(
        f"pairs {result.pairs}: precision {result.precision:.3f} recall {result.recall:.3f} "
        f"median area error {result.median_area_error:.1%} "
        f"median position error {result.median_position_error_m:.2f} m "
        f"({result.true_positive}/{result.truth} found, {result.found} reported, {result.seconds:.0f} s)"
    )


@drone_app.command("process")
def drone_process(
    flight_ids: Annotated[
        list[int] | None, typer.Argument(help="Flights to (re)process; none: resume pending.")
    ] = None,
) -> None:
    """Process flights now (idempotent): compare with the baseline, store findings."""
    from api.db.base import make_engine, make_session_factory
    from api.db.evidence_sink import open_writer
    from api.drone_jobs import drone_runner, upload_root
    from api.pipeline.sinks import FlightEvidenceSink
    from api.settings import get_settings
    from ingest.config.loader import config_sha256

    settings = get_settings()
    config = _app_config()
    engine = make_engine(settings.database_url)
    sink = FlightEvidenceSink(open_writer(settings), config_sha256(settings.config))
    runner = drone_runner(make_session_factory(engine), upload_root(settings), config, sink)
    results = [runner.process(f) for f in flight_ids] if flight_ids else runner.resume()
    for r in results:
        typer.echo(json.dumps({"flight_id": r.flight_id, "status": r.status, "detail": r.detail}))
    engine.dispose()
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def _app_config() -> AppConfig:
    """The cameras file (ENFORCE_CONFIG); a bad one exits naming the file, line and field."""
    from api.settings import get_settings
    from ingest.config import ConfigError, load_config

    try:
        return load_config(get_settings().config)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
