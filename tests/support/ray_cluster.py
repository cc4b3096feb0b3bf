"""A real local Ray cluster for tests and benchmarks: a head and worker nodes as separate processes.

Each node is `ray start --block` in its own process group, so `kill_node` takes the node down the
way a lost machine goes (SIGKILL to its raylet and workers) and `stop` ends only what this cluster
started (not every Ray process on the machine, as `ray stop` would).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.rtsp import free_port

REPO = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
# Lost nodes are noticed within about 3 s (defaults: 3 s x 5 checks) so cameras move quickly.
# A loopback test cluster: no usage reports, no token authentication (a token file left in ~/.ray by
# another Ray run would otherwise switch it on for the nodes but not for this driver).
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
FAST_NODE_DEATH = {"health_check_period_ms": 1000, "health_check_failure_threshold": 3}


@dataclass
class LocalRayCluster:
    temp_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rt", dir="/tmp")))
    port: int = field(default_factory=free_port)
    nodes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
        return {**os.environ, "PYTHONPATH": path, "YOLO_OFFLINE": "1", **RAY_ENV}

    def start_head(self, resources: dict[str, float], num_cpus: int = 1) -> None:
        self._start(
            "head",
            [
                "--head", f"--port={self.port}", f"--temp-dir={self.temp_dir}", "--include-dashboard=false",
                f"--system-config={json.dumps(FAST_NODE_DEATH)}", "--node-ip-address=127.0.0.1",
            ],
            resources,
            num_cpus,
        )

    def start_node(self, name: str, resources: dict[str, float], num_cpus: int = 1) -> None:
        self._start(name, [f"--address={self.address}", "--node-ip-address=127.0.0.1"], resources, num_cpus)

    def _start(self, name: str, args: list[str], resources: dict[str, float], num_cpus: int) -> None:
        log = (self.temp_dir / f"{name}.log").open("ab")
        self.nodes[name] = subprocess.Popen(
            [RAY, "start", "--block", "--disable-usage-stats", f"--num-cpus={num_cpus}",
             f"--resources={json.dumps(resources)}", *args],
            stdout=log, stderr=subprocess.STDOUT, env=self.env(), start_new_session=True,
        )

    def wait_for(self, resource: str, nodes: int, timeout_s: float = 60.0) -> None:
        """Until `nodes` live nodes offer `resource` (asked of the cluster from a short-lived driver)."""
        probe = (
            "import ray,sys; ray.init(address=sys.argv[1], logging_level='ERROR');"
            "print(sum(1 for n in ray.nodes() if n['Alive'] and n['Resources'].get(sys.argv[2])))"
        )
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.nodes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"ray node {name} exited: {self.log(name)}")
            run = subprocess.run(
                [sys.executable, "-c", probe, self.address, resource],
                capture_output=True, text=True, env=self.env(), timeout=60,
            )
            last = run.stdout.strip() or run.stderr[-500:]
            if run.returncode == 0 and last.isdigit() and int(last) >= nodes:
                return
            time.sleep(1.0)
        raise RuntimeError(f"cluster did not reach {nodes} nodes with {resource}: {last}")

    def log(self, name: str) -> str:
        path = self.temp_dir / f"{name}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def problems(self, limit: int = 3000) -> str:
        """The last lines of the cluster's logs that report a problem (for a failing test's message)."""
        marks = ("Error", "error", "Traceback", " E ", "WARNING")
        lines = []
        for path in sorted(self.temp_dir.glob("session_*/logs/*")):
            if path.is_file() and path.suffix in (".err", ".out", ".log"):
                text = path.read_text(errors="replace").splitlines()
                lines += [f"{path.name}: {line}" for line in text if any(m in line for m in marks)]
        return "\n".join(lines)[-limit:]

    def kill_node(self, name: str) -> None:
        """SIGKILL to the node's whole process group: raylet, object store and its workers."""
        proc = self.nodes.pop(name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)

    def stop(self) -> None:
        """Nodes first (workers), then the head; SIGTERM, then SIGKILL for what is left."""
        for name in sorted(self.nodes, key=lambda n: n == "head"):
            proc = self.nodes[name]
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 15
        for proc in self.nodes.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.nodes.clear()
        shutil.rmtree(self.temp_dir, ignore_errors=True)
