"""Configuration errors that name the file, the line, the field path and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    field: str  # dotted path, e.g. "cameras[0].zones[1].polygon"
    message: str
    line: int | None = None  # 1-based line in the YAML file, where known

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line is not None else source
        return f"{where}: {self.field}: {self.message}"


class ConfigError(ValueError):
    """A configuration file that cannot be used; `issues` lists every problem found."""

    def __init__(self, source: str, issues: list[ConfigIssue]):
        self.source = source
        self.issues = issues
        super().__init__("\n".join(issue.render(source) for issue in issues))


class FieldError(ValueError):
    """Raised by cross-field checks to name the exact field, relative to the model checked."""

    def __init__(self, loc: tuple[int | str, ...], message: str):
        self.loc = loc
        self.message = message
        super().__init__(message)
