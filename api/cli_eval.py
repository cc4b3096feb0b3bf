"""`enforce eval`: event-level precision/recall of the pipeline on scenario footage with ground truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.settings import get_settings
from ingest.config import ConfigError, load_config


def eval_command(
    scenarios: Annotated[Path, typer.Option(help="Folder of <name>.mp4 + <name>.json scenarios.")] = Path(
        "var/scenarios"
    ),
    detector: Annotated[str, typer.Option(help="Detector name from the cameras file.")] = "street",
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")] = False,
    drone: Annotated[bool, typer.Option("--drone", help="Score rooftop change detection instead.")] = False,
    pairs: Annotated[int, typer.Option(help="--drone: held-out before/after flight pairs.")] = 12,
) -> None:
    """Score street violations (parking, mud truck, barbecue) and plate reading on scenario footage;
    with --drone, new rooftop structures on held-out synthetic before/after flights."""
    if drone:
        from api.cli_drone import drone_eval

        drone_eval(pairs=pairs, work_dir=Path("var/eval/drone"), as_json=as_json)
        return
    from api.pipeline.evaluate_street import ScenarioError, evaluate, find_scenarios
    from vision.detectors.base import DetectorError
    from vision.detectors.factory import build_detector

    settings = get_settings()
    try:
        config = load_config(settings.config)
        built = build_detector(config.detectors[detector])
        report = evaluate(find_scenarios(scenarios), built)
    except (ConfigError, ScenarioError, DetectorError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyError:
        typer.echo(f"no detector named {detector!r} in {settings.config}", err=True)
        raise typer.Exit(2) from None
    summary = report.summary()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(f"scenarios: {', '.join(report.scenarios)}")
    for kind, score in summary["per_type"].items():  # type: ignore[attr-defined]
        typer.echo(
            f"{kind:16s} precision {score['precision']:.3f}  recall {score['recall']:.3f}  "
            f"(tp {score['true_positives']}, fp {score['false_positives']}, fn {score['false_negatives']})"
        )
    plates = summary["plate_exact_match"]
    typer.echo(f"plate exact match on confirmed parking: {plates['exact']}/{plates['total']}")  # type: ignore[index]
    for line in summary["missed"]:  # type: ignore[attr-defined]
        typer.echo(f"missed: {line}")
    for line in summary["false_alarms"]:  # type: ignore[attr-defined]
        typer.echo(f"false alarm: {line}")
