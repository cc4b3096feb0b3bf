"""Load `cameras.yaml`: parse, validate, and point every error at its YAML line and field."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from ingest.config.app import AppConfig
from ingest.config.errors import ConfigError, ConfigIssue, FieldError
from vision.violations.unions import ZONE_KINDS


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(root)"


def yaml_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """Follow a pydantic error location through the YAML node tree; return the deepest line found."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            # pydantic adds union-member tags (e.g. 'no_parking') that are not YAML keys; skip them
            continue
        line = node.start_mark.line + 1
    return line


def _issues_from(exc: ValidationError, root: yaml.Node | None) -> list[ConfigIssue]:
    issues = []
    for error in exc.errors(include_url=False, include_input=False, include_context=True):
        loc = list(error["loc"])
        ctx = error.get("ctx", {})
        message = error["msg"].removeprefix("Value error, ")
        original = ctx.get("error")
        if isinstance(original, FieldError):
            loc += list(original.loc)
            message = original.message
        elif error["type"] == "extra_forbidden":
            message = "unknown field (not part of the configuration schema)"
        elif error["type"] == "union_tag_invalid":
            loc.append(str(ctx.get("discriminator", "")).strip("'"))
            message = f"unknown value {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
        # Drop the member tags pydantic inserts into the location of tagged-union members.
        shown = [p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS)]
        issues.append(ConfigIssue(field=_field_path(shown), message=message, line=yaml_line(root, shown)))
    return issues


_UNION_TAGS = {*ZONE_KINDS, "ultralytics", "onnx", "openvino"}


def load_config_text(text: str, source: str = "<string>", base_dir: Path | None = None) -> AppConfig:
    """Validate YAML text. Relative `file:` sources and weights resolve against `base_dir`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(source, [ConfigIssue("(file)", f"not valid YAML: {exc}", line)]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [ConfigIssue("(root)", "expected a mapping with 'cameras:'", 1)])
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, _issues_from(exc, root)) from None
    if base_dir is not None:
        config = resolve_paths(config, base_dir)
    return config


def load_config(path: Path | str) -> AppConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [ConfigIssue("(file)", f"cannot read: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [ConfigIssue("(file)", "not UTF-8 text")]) from exc
    return load_config_text(text, source=str(path), base_dir=path.parent.resolve())


def resolve_paths(config: AppConfig, base_dir: Path) -> AppConfig:
    """Make relative file sources and weights absolute, relative to the config file's folder."""
    for detector in config.detectors.values():
        if not detector.weights.is_absolute():
            detector.weights = (base_dir / detector.weights).resolve()
        if detector.weights_vnni is not None and not detector.weights_vnni.is_absolute():
            detector.weights_vnni = (base_dir / detector.weights_vnni).resolve()
    for camera in config.cameras:
        if camera.source.startswith("file:") and not camera.source.startswith("file:/"):
            camera.source = "file:" + str((base_dir / camera.source[len("file:") :]).resolve())
    intel = config.plates.intel_model
    if intel is not None and not intel.is_absolute():
        config.plates.intel_model = (base_dir / intel).resolve()
    return config


def config_sha256(path: Path | str) -> str:
    """SHA-256 of the config file's bytes, recorded with every evidence record."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
