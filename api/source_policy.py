"""Which camera sources the server may open: schemes, media folders for `file:`, networks for streams.

A camera source is opened by the server itself (workers, the connectivity snapshot), so a source is a
request to read a file or reach an address *as the server*. The policy refuses what an integrator
must not reach that way: files outside the media roots, the evidence store, uploads, keys and `var/`
always (even under a media root), and stream hosts on loopback, link-local or cloud-metadata addresses
unless a network is allowed by ENFORCE_SOURCE_ALLOWED_NETWORKS. Checked at camera create and update,
at every snapshot and when the pipeline starts its workers.

Residual risk (documented, not closed here): a host name is resolved when checked and again by
FFmpeg when opened, and FFmpeg follows HTTP redirects; a DNS answer or redirect that changes in
between can still lead elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from api.settings import Settings
from evidence.writer import default_spool_dir
from ingest.config import AppConfig

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
STREAM_SCHEMES = frozenset({"rtsp", "rtsps", "http", "https"})
# Cloud instance-metadata and platform endpoints that are not link-local.
METADATA_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in ("100.100.100.200/32", "168.63.129.16/32", "fd00:ec2::254/128", "169.254.0.0/16", "fe80::/10")
)
RESOLVE_TIMEOUT_S = 2.0


class SourceRefused(ValueError):
    """The source breaks the policy; the message names the rule (and never carries credentials)."""


class SourceUnresolved(SourceRefused):
    """The stream's host name does not resolve (now), so it cannot be checked or reached."""


@dataclass(frozen=True)
class SourcePolicy:
    schemes: frozenset[str]
    media_roots: tuple[Path, ...]
    registry_files: frozenset[Path]
    forbidden: tuple[tuple[Path, str], ...]
    allowed_networks: tuple[IPNetwork, ...]
    base_dir: Path

    @classmethod
    def from_settings(cls, settings: Settings, config: AppConfig | None = None) -> SourcePolicy:
        """The policy of this process: settings, plus the exact files the YAML registry names."""
        registry = {
            path
            for camera in (config.cameras if config else [])
            if (path := file_source_path(camera.source, settings.config.parent)) is not None
        }
        return cls(
            schemes=frozenset(settings.source_schemes),
            media_roots=tuple(_real(p) for p in settings.media_roots),
            registry_files=frozenset(_real(p) for p in registry),
            forbidden=tuple((_real(p), why) for p, why in forbidden_places(settings)),
            allowed_networks=tuple(settings.source_allowed_networks),
            base_dir=settings.config.parent,
        )

    def check(self, source: str, *, require_resolution: bool = True) -> str:
        """The source to open if the policy allows it (file paths made absolute), else SourceRefused."""
        scheme = urlsplit(source).scheme.lower()
        if scheme not in self.schemes:
            allowed = ", ".join(sorted(self.schemes)) or "(none)"
            raise SourceRefused(f"scheme {scheme or '(none)'!r} is not allowed (ENFORCE_SOURCE_SCHEMES: {allowed})")
        if scheme == "file":
            return f"file:{self._check_file(source)}"
        if scheme in STREAM_SCHEMES:
            self._check_host(source, require_resolution)
        return source

    def _check_file(self, source: str) -> Path:
        path = file_source_path(source, self.base_dir)
        if path is None:
            raise SourceRefused("a file source must be file:PATH or file:///absolute/path (no host)")
        real = _real(path)
        for place, why in self.forbidden:
            if real == place or place in real.parents:
                raise SourceRefused(f"file sources may not read {why}")
        if real in self.registry_files or any(root in real.parents for root in self.media_roots):
            return real
        raise SourceRefused("file sources must lie under a media root (ENFORCE_MEDIA_ROOTS)")

    def _check_host(self, source: str, require_resolution: bool) -> None:
        host = (urlsplit(source).hostname or "").rstrip(".")
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = _resolve(host)
            if not addresses:
                if require_resolution:
                    raise SourceUnresolved(f"host name {host!r} does not resolve") from None
                return
        for address in addresses:
            reason = self.refused_address(address)
            if reason is not None:
                raise SourceRefused(
                    f"stream host {host!r} is {reason}; allow its network with ENFORCE_SOURCE_ALLOWED_NETWORKS"
                )

    def refused_address(self, address: IPAddress) -> str | None:
        """Why the server must not connect to `address` for a camera, or None when it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in net for net in self.allowed_networks):
            return None
        if address.is_loopback:
            return "a loopback address"
        if any(address in net for net in METADATA_NETWORKS):
            return "a link-local or cloud-metadata address"
        if address.is_unspecified or address.is_multicast or address.is_reserved:
            return "an unspecified, multicast or reserved address"
        return None


def file_source_path(source: str, base_dir: Path) -> Path | None:
    """The path a `file:` source names, relative paths against the cameras file's folder; None when
    the text is no file source or names a host (`file://host/x`)."""
    if not source.startswith("file:"):
        return None
    rest = source[len("file:") :]
    if rest.startswith("//"):
        if not rest.startswith("///"):
            return None
        rest = rest[2:]
    if not rest:
        return None
    path = Path(rest)
    return path if path.is_absolute() else base_dir / path


def forbidden_places(settings: Settings) -> list[tuple[Path, str]]:
    """Server-owned places no camera source may point into, with the words that name them."""
    places = [
        (settings.evidence_dir, "the evidence store (ENFORCE_EVIDENCE_DIR)"),
        (default_spool_dir(settings.evidence_dir), "the evidence spool"),
        (settings.upload_dir, "the upload folder (ENFORCE_UPLOAD_DIR)"),
        (settings.signing_key.parent, "the signing-key folder (ENFORCE_SIGNING_KEY)"),
        (Path("var"), "the server's var/ folder"),
    ]
    try:
        url = make_url(settings.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            places.append((Path(str(url.database)), "the database file"))
    except ArgumentError:
        pass
    return places


def _real(path: Path) -> Path:
    """Absolute, with symbolic links and '..' resolved, so a link cannot smuggle a path past a check."""
    return Path(path).expanduser().resolve(strict=False)


def _resolve(host: str) -> list[IPAddress]:
    """Every address `host` resolves to, or [] when it does not resolve within RESOLVE_TIMEOUT_S."""
    found: list[IPAddress] = []

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, None)
        except (OSError, UnicodeError):
            return
        found.extend(_addresses(str(info[4][0]) for info in infos))

    worker = threading.Thread(target=work, name="source-policy-resolve", daemon=True)
    worker.start()
    worker.join(RESOLVE_TIMEOUT_S)
    return [] if worker.is_alive() else list(found)


def _addresses(texts: Iterable[str]) -> list[IPAddress]:
    out: list[IPAddress] = []
    for text in texts:
        try:
            out.append(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            continue
    return out
