"""A real RTSP server (GStreamer rtsp-server) for tests and benchmarks; runs under the system Python.

    /usr/bin/python3 tests/support/rtsp_server.py --port 8554 --mount /cam \
        [--file clip.mp4 | --test-pattern ball] [--width 320 --height 240 --fps 10 --gop 10]

`--file` serves an H.264 MP4 without re-encoding (each client gets its own paced playback, looped
with --loop); `--test-pattern` encodes a live videotestsrc with x264. Prints "READY" when listening.
"""

from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(args: argparse.Namespace) -> str:
    if args.file:
        return (
            f"( filesrc location={args.file} ! qtdemux ! h264parse config-interval=-1 ! "
            "rtph264pay name=pay0 pt=96 )"
        )
    caps = f"video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1"
    return (
        f"( videotestsrc is-live=true pattern={args.test_pattern} ! {caps} ! videoconvert ! "
        f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.gop} bitrate=500 ! "
        "rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", action="append", default=None, help="mount path(s), e.g. /cam")
    parser.add_argument("--file")
    parser.add_argument("--test-pattern", default="ball")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--gop", type=int, default=10)
    parser.add_argument("--shared", action="store_true", help="one pipeline for all clients of a mount")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for mount in args.mount or ["/cam"]:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch_line(args))
        factory.set_shared(args.shared)
        mounts.add_factory(mount, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr, flush=True)
        return 2
    loop = GLib.MainLoop()
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    print("READY", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
