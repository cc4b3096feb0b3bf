"""`enforce eval`: event-level precision/recall of the pipeline on scenario footage with ground truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.settings import get_settings
from ingest.config import ConfigError, load_config

SYNTHETIC_DETECTOR = "street-v2"  # the street detector trained on the project's rendered scenes


def eval_command(
    scenarios: Annotated[Path, typer.Option(help="Folder of <name>.mp4 + <name>.json scenarios.")] = Path(
        "var/scenarios"
    ),
    detector: Annotated[
        str | None,
        typer.Option(
            help="Detector name from the cameras file; default street-v2 for rendered scenarios (street-v4, "
            "the shipped 'street', does not see rendered cars) and 'street' with --real."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")] = False,
    drone: Annotated[bool, typer.Option("--drone", help="Score rooftop change detection instead.")] = False,
    pairs: Annotated[int, typer.Option(help="--drone: held-out before/after flight pairs.")] = 12,
    analysis_fps: Annotated[
        list[float] | None,
        typer.Option(
            "--analysis-fps",
            metavar="N",
            help="Analyse N frames per second instead of each scenario camera's own rate; repeat it "
            "(--analysis-fps 1 --analysis-fps 2 --analysis-fps 4) for one scored run per rate, each with "
            "per-scenario counts (--json: {\"runs\": [...]}).",
        ),
    ] = None,
    real: Annotated[
        bool,
        typer.Option(
            "--real",
            help="Measure detectors on the real-data kit (ENFORCE_REALDATA, default ../shared/realdata): AP50 "
            "per label on its labelled images and each clip against its expected outcome, the --detector of "
            "the cameras file beside the kit's COCO teacher and any --weights.",
        ),
    ] = False,
    weights: Annotated[
        list[Path] | None,
        typer.Option(
            "--weights",
            metavar="PATH",
            help="--real: also measure these weights (.onnx, OpenVINO .xml or *_openvino_model/, .pt); repeat it.",
        ),
    ] = None,
    clips: Annotated[
        list[str] | None,
        typer.Option("--clips", metavar="NAME", help="--real: only these kit clips (repeat it); 'none' for none."),
    ] = None,
    images: Annotated[int, typer.Option(help="--real: images per labelled set for AP (0: skip AP).", min=0)] = 200,
    plates: Annotated[bool, typer.Option("--plates", help="--real: also print plate reading figures.")] = False,
) -> None:
    """Score street violations (parking, mud truck, barbecue) and plate reading on scenario footage;
    with --drone, new rooftop structures on held-out synthetic before/after flights; with --real,
    detectors on the real-data kit."""
    if real:
        _real(detector or "street", weights or [], clips, images, analysis_fps, plates, as_json)
        return
    detector = detector or SYNTHETIC_DETECTOR
    if drone:
        from api.cli_drone import drone_eval

        drone_eval(pairs=pairs, work_dir=Path("var/eval/drone"), as_json=as_json)
        return
    from api.pipeline.evaluate_street import ScenarioError, at_analysis_fps, evaluate, find_scenarios
    from vision.detectors.base import DetectorError
    from vision.detectors.factory import build_detector

    settings = get_settings()
    try:
        config = load_config(settings.config)
        built = build_detector(config.detectors[detector])
        if analysis_fps and len(analysis_fps) > 1:
            from vision.detectors.memo import MemoDetector

            built = MemoDetector(built)  # the model runs once per distinct frame across the rates
        found = find_scenarios(scenarios)
        for fps in analysis_fps or []:  # refuse a bad rate before any footage plays
            for scenario in found:
                at_analysis_fps(scenario, fps)
        reports = [evaluate(found, built, fps) for fps in analysis_fps] if analysis_fps else [evaluate(found, built)]
    except (ConfigError, ScenarioError, DetectorError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyError:
        typer.echo(f"no detector named {detector!r} in {settings.config}", err=True)
        raise typer.Exit(2) from None
    if not analysis_fps:
        summary = reports[0].summary()
        if as_json:
            typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        typer.echo(f"scenarios: {', '.join(reports[0].scenarios)}")
        _echo_summary(summary)
        return
    runs = [
        {"analysis_fps": r.analysis_fps, **r.summary(), "per_scenario": [c.summary() for c in r.per_scenario]}
        for r in reports
    ]
    if as_json:
        typer.echo(json.dumps({"runs": runs}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"scenarios: {', '.join(reports[0].scenarios)}")
    for run in runs:
        typer.echo(f"--- analysis fps {run['analysis_fps']:g}")
        _echo_summary(run)
        for counts in run["per_scenario"]:  # type: ignore[attr-defined]
            typer.echo(
                f"  {counts['scenario']}: {counts['predictions']} reported, {counts['truths']} true, "
                f"{counts['false_alarms']} false alarm(s), {counts['missed']} missed"
            )


def _real(
    detector: str,
    weights: list[Path],
    clips: list[str] | None,
    images: int,
    analysis_fps: list[float] | None,
    plates: bool,
    as_json: bool,
) -> None:
    from api.cli_eval_real import real_eval
    from vision.detectors.base import DetectorError

    if analysis_fps and len(analysis_fps) > 1:
        typer.echo("--real takes one --analysis-fps", err=True)
        raise typer.Exit(2)
    try:
        real_eval(
            get_settings().config,
            detector,
            weights,
            clips,
            images,
            analysis_fps[0] if analysis_fps else None,
            plates,
            as_json,
        )
    except (ConfigError, DetectorError, FileNotFoundError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyError as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(2) from None


def _echo_summary(summary: dict[str, object]) -> None:
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
