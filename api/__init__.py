"""Review API: FastAPI app, database, auth, routes and the reviewer web page."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("city-enforce")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
