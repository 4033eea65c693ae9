"""Test helpers: real server subprocesses on free 127.0.0.1 ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

CHECKOUT = Path(__file__).resolve().parents[2]
LAUNCH_EMULATOR = """
import json, sys
from pathlib import Path
from shoehorn.cli.render import ProgressPrinter
from shoehorn.local.containers import Function
from shoehorn.local.emulator import serve
from shoehorn.local.server import listen

spec = json.loads(sys.argv[1])
function = dict(spec["function"], task_root=Path(spec["function"]["task_root"]),
                runtime_libs=Path(spec["function"]["runtime_libs"]))
try:
    serve(Function(**function), sock=listen("127.0.0.1", spec["port"]), source=spec["source"], stage="dev",
          concurrency=spec["concurrency"], progress=ProgressPrinter())
except KeyboardInterrupt:  # what the CLI boundary does: exit 130, no traceback
    sys.exit(130)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """Ctrl-C, as a developer would; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def start(command: list[str], log: Path, url: str, probe: str, cwd: Path | None = None,
          env: dict | None = None, timeout: float = 60, new_session: bool = False) -> Server:
    """Start ``command`` and wait until ``probe`` answers anything over HTTP (``new_session``: in a
    process group of its own, as a terminal starts it, so a test can send Ctrl-C to the group)."""
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd, env=env,
                               start_new_session=new_session)
    server = Server(process, url, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{server.output()}")
        try:
            httpx.get(probe, timeout=30)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError(f"server did not answer within {timeout} s:\n{server.output()}")


def start_emulator(tmp: Path, function: dict, *, source: str = "rest", concurrency: int = 10,
                   new_session: bool = False) -> Server:
    import json

    port = free_port()
    prefix = "/dev" if source == "rest" else ""
    spec = {"function": function, "port": port, "source": source, "concurrency": concurrency}
    command = [sys.executable, "-c", LAUNCH_EMULATOR, json.dumps(spec)]
    # For "rest" the probe is outside the stage: the front answers 403 and no container starts.
    base = f"http://127.0.0.1:{port}"
    # this checkout's shoehorn, not the one installed (editable) into the environment: they differ in a worktree
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(CHECKOUT), os.environ.get("PYTHONPATH"))))}
    return start(command, tmp / f"emulator-{port}.log", base + prefix, probe=base + "/__probe__", cwd=tmp, env=env,
                 new_session=new_session)

