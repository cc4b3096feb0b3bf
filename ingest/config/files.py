"""The files a valid configuration points at: detector weights and `file:` footage must exist.

Validation (`load_config`) checks the shape of the file; this checks the machine. Each missing file
is a `ConfigIssue` with the field path, the YAML line and the file, so `enforce config check` can
name them all at once instead of a camera worker failing later.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ingest.config.app import AppConfig
from ingest.config.errors import ConfigIssue
from ingest.config.loader import yaml_line

EXPORT_FOLDER_PARTS = ("*.xml", "*.bin", "metadata.yaml")  # an Ultralytics *_openvino_model/ folder


def weights_problem(path: Path) -> str | None:
    """What is wrong with a weights path on this machine, or None."""
    if path.is_dir():
        missing = [part for part in EXPORT_FOLDER_PARTS if not any(path.glob(part))]
        return f"weights folder {path} is not an OpenVINO export: no {', '.join(missing)}" if missing else None
    if not path.is_file():
        return f"weights {path} not found (nothing is downloaded at run time)"
    if path.suffix.lower() == ".xml" and not path.with_suffix(".bin").is_file():
        return f"OpenVINO IR {path} has no {path.with_suffix('.bin').name} beside it"
    return None


def missing_files(config: AppConfig, config_text: str | None = None) -> list[ConfigIssue]:
    """Every detector weights path and `file:` source of `config` (paths already resolved) that is
    absent; `config_text` (the YAML) gives each issue its line."""
    root = yaml.compose(config_text, Loader=yaml.SafeLoader) if config_text else None
    issues = []
    for name, detector in config.detectors.items():
        for field, weights in (("weights", detector.weights), ("weights_vnni", detector.weights_vnni)):
            problem = weights_problem(weights) if weights is not None else None
            if problem:
                loc: list[int | str] = ["detectors", name, field]
                issues.append(ConfigIssue(f"detectors.{name}.{field}", problem, yaml_line(root, loc)))
    for index, camera in enumerate(config.cameras):
        if not camera.source.startswith("file:"):
            continue
        parts = urlsplit(camera.source)  # as the file reader reads it: file:relative, file:///abs
        video = Path(parts.netloc + parts.path) if parts.netloc else Path(parts.path)
        if not video.is_file():
            issues.append(
                ConfigIssue(
                    f"cameras[{index}].source",
                    f"camera {camera.id!r}: footage file {video} not found",
                    yaml_line(root, ["cameras", index, "source"]),
                )
            )
    return issues
