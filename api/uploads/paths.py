"""Server paths never reach an operator: flight status messages name files, not folders on the server."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

_FLIGHT_FILE = re.compile(r"(?<![\w.~/-])(?:[^\s'\":,;()\[\]]*/)?flights/(\d+)(?:/([^\s/'\":,;()\[\]]+))?")
_ABSOLUTE = re.compile(r"(?<![\w.~/-])/(?:[^\s/'\":,;()\[\]]+/)*[^\s/'\":,;()\[\]]+")


def hide_paths(text: str, roots: Iterable[Path] = ()) -> str:
    """`text` with every path under `roots` (the upload folder) and every other absolute path reduced
    to the file name: '/srv/up/flights/3/DJI_0001.MP4: no video' -> 'DJI_0001.MP4: no video'."""
    for root in roots:
        for form in sorted({str(root), str(root.resolve())}, key=len, reverse=True):
            text = text.replace(form.rstrip("/") + "/", "")
    text = _FLIGHT_FILE.sub(lambda m: m.group(2) or f"the uploads of flight {m.group(1)}", text)
    return _ABSOLUTE.sub(lambda m: PurePosixPath(m.group(0)).name, text)
