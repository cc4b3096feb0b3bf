"""Start and stop the real RTSP server (tests/support/rtsp_server.py) from tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER = Path(__file__).with_name("rtsp_server.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RtspServer:
    """A GStreamer RTSP server process; `kill()` / `start()` again on the same port."""

    def __init__(self, port: int | None = None, *args: str):
        self.port = port or free_port()
        self.args = list(args)
        self.process: subprocess.Popen[str] | None = None
        self.log = Path(tempfile.mkstemp(prefix="rtsp-server-", suffix=".log")[1])

    def url(self, mount: str = "/cam", userinfo: str = "") -> str:
        return f"rtsp://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}{mount}"

    def start(self, timeout_s: float = 15.0) -> RtspServer:
        self.process = subprocess.Popen(
            [SYSTEM_PYTHON, str(SERVER), "--port", str(self.port), *self.args],
            stdout=subprocess.PIPE,
            stderr=self.log.open("a"),
            text=True,
            env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        )
        deadline = time.monotonic() + timeout_s
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "READY":
            self.process.wait(5)
            raise RuntimeError(f"RTSP server did not start: {line!r} {self.log.read_text()[-2000:]}")
        while time.monotonic() < deadline:  # the port is bound once READY is printed; double-check
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"RTSP server not listening on {self.port}")

    def signal(self, sig: int) -> None:
        if self.process is not None:
            self.process.send_signal(sig)

    def kill(self) -> None:
        """Die mid-stream, as a camera losing power would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
