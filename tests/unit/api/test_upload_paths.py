"""Flight status messages keep file names and drop the server's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.uploads.paths import hide_paths

ROOT = Path("/srv/enforce/uploads")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/srv/enforce/uploads/flights/3/DJI_0001.MP4: no video stream", "DJI_0001.MP4: no video stream"),
        ("/srv/enforce/uploads/flights/3: no footage uploaded", "the uploads of flight 3: no footage uploaded"),
        ("/srv/enforce/uploads/flights/3/a.SRT:12: missing latitude", "a.SRT:12: missing latitude"),
        ("internal error: OSError: [Errno 2] No such file: '/opt/models/aerial.onnx'",
         "internal error: OSError: [Errno 2] No such file: 'aerial.onnx'"),
        ("var/uploads/flights/7/b.mp4: cannot decode", "b.mp4: cannot decode"),
        ("frame 2: 3/4 keypoints matched", "frame 2: 3/4 keypoints matched"),
        ("12 new structure(s) found, 3 new since the last run", "12 new structure(s) found, 3 new since the last run"),
    ],
)
def test_hide_paths(text: str, shown: str) -> None:
    assert hide_paths(text, [ROOT]) == shown
