"""Real HTTP video sources for reader tests: an MJPEG (multipart/x-mixed-replace) server and a
static HLS playlist served over HTTP. Each runs in a thread on a free local port."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import av
import cv2

from ingest.testclips import background, scene_frame

BOUNDARY = "frameboundary"


class _MjpegHandler(BaseHTTPRequestHandler):
    fps = 10.0

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.end_headers()
        base = background(320, 240)
        i = 0
        try:
            while i < 600:
                ok, jpeg = cv2.imencode(".jpg", scene_frame(base, i / self.fps, bright=True))
                assert ok
                data = jpeg.tobytes()
                head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n"
                self.wfile.write(head.encode())
                self.wfile.write(data + b"\r\n")
                i += 1
                time.sleep(1 / self.fps)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler] | functools.partial) -> Iterator[int]:  # type: ignore[type-arg]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def mjpeg_server() -> Iterator[str]:
    with serve(_MjpegHandler) as port:
        yield f"http://127.0.0.1:{port}/video.mjpg"


def write_hls(clip: Path, directory: Path) -> Path:
    """Remux an H.264 clip into an HLS playlist with 1 s segments."""
    directory.mkdir(parents=True, exist_ok=True)
    playlist = directory / "index.m3u8"
    with (
        av.open(str(clip)) as src,
        av.open(str(playlist), "w", format="hls", options={"hls_time": "1", "hls_list_size": "0"}) as out,
    ):
        stream_in = src.streams.video[0]
        stream_out = out.add_stream_from_template(stream_in)
        for packet in src.demux(stream_in):
            if packet.dts is None:
                continue
            packet.stream = stream_out
            out.mux(packet)
    return playlist


@contextmanager
def hls_server(directory: Path) -> Iterator[str]:
    with serve(functools.partial(_QuietFiles, directory=str(directory))) as port:
        yield f"http://127.0.0.1:{port}/index.m3u8"
