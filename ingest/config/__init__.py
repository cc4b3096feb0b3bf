"""The configuration tree of `configs/cameras.yaml`: one pydantic model per section."""

from ingest.config.app import AppConfig
from ingest.config.camera import CameraConfig, Location
from ingest.config.errors import ConfigError, ConfigIssue
from ingest.config.loader import load_config, load_config_text

__all__ = [
    "AppConfig",
    "CameraConfig",
    "ConfigError",
    "ConfigIssue",
    "Location",
    "load_config",
    "load_config_text",
]
