"""Start, find and stop the local cloud process (client side: used by the CLI).

Its files live in the user's state directory, ``$XDG_STATE_HOME/shoehorn`` (default
``~/.local/state/shoehorn``): ``cloud.json`` (pid, port, URL), ``cloud.log`` (its output; the previous cloud's in ``cloud.log.1``),
``code/`` (the zips it was given). One cloud per user; ``find`` trusts the file only when the
process answers on that port with that pid. A file of another shape (hand-edited, truncated) is
no state at all: ``start`` replaces it, ``stop`` removes it and signals nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from shoehorn.errors import LocalError

STATE_FILE = "cloud.json"
LOG_FILE = "cloud.log"
STATUS_PATH = "/_shoehorn/cloud"
START_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Running:
    url: str
    pid: int
    state_dir: Path
    status: dict  # what GET /_shoehorn/cloud answered

    @property
    def log(self) -> Path:
        return self.state_dir / LOG_FILE


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "shoehorn"


def _ask(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url + STATUS_PATH, timeout=timeout) as answer:
            status = json.loads(answer.read())
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None  # something else on that port


class UnusableState(Exception):
    """``cloud.json`` exists but is not what ``serve`` writes; the message says how."""


# What serve.py writes: the cloud listens on loopback only. A URL elsewhere could "prove" any pid.
_URL = re.compile(r"^http://127\.0\.0\.1:[0-9]{1,5}$")


def _recorded(directory: Path) -> tuple[str, int] | None:
    """(url, pid) from ``cloud.json``; None when there is none; UnusableState when it cannot be used."""
    path = directory / STATE_FILE
    try:
        recorded = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UnusableState(f"cannot be read ({error.strerror or error})") from None
    except ValueError:  # not JSON, or not text
        raise UnusableState("is not JSON") from None
    url, pid = (recorded.get("url"), recorded.get("pid")) if isinstance(recorded, dict) else (None, None)
    # type() and not isinstance: JSON `true` is a bool, an int that would read as pid 1
    if not (isinstance(url, str) and _URL.match(url)) or type(pid) is not int or pid <= 0:
        shown = json.dumps(recorded)
        raise UnusableState("does not hold the local cloud's loopback URL and pid: "
                            + (shown if len(shown) <= 80 else shown[:77] + "..."))
    return url, pid


def unusable_state(directory: Path | None = None) -> str | None:
    """Why the state file cannot be used ("cloud.json is not JSON"), or None when it is absent or usable."""
    directory = directory or state_dir()
    try:
        _recorded(directory)
    except UnusableState as why:
        return f"{directory / STATE_FILE} {why}"
    return None


def find(directory: Path | None = None) -> Running | None:
    """The running cloud, or None. The state file is trusted only when the process at its URL
    answers with its pid: that answer is what lets ``stop`` signal that pid."""
    directory = directory or state_dir()
    try:
        recorded = _recorded(directory)
    except UnusableState:
        return None  # as good as no state: `start` replaces it, `stop` removes it
    if recorded is None:
        return None
    url, pid = recorded
    status = _ask(url)
    if status is None and _alive(pid):
        status = _ask(url, timeout=15.0)  # alive but busy (moto loading IAM policies): wait for it
    if status is None or type(status.get("pid")) is not int or status["pid"] != pid:
        return None
    return Running(url, pid, directory, status)


def forget(directory: Path) -> None:
    """Remove the state file (absent is fine)."""
    try:
        (directory / STATE_FILE).unlink(missing_ok=True)
    except OSError as error:  # e.g. a directory in its place
        raise LocalError(f"cannot remove the local cloud's state file {directory / STATE_FILE}: "
                         f"{error.strerror or error}", hint="remove it yourself, then run the command again") from None


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start(port: int = 0, directory: Path | None = None) -> tuple[Running, bool]:
    """The running cloud, started in the background if none runs; (cloud, whether it was started now)."""
    directory = directory or state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "cloud.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two `up --local` at once start one cloud
        found = find(directory)
        if found is not None:
            return found, False
        forget(directory)
        # One log per cloud: the last one's lines, read as the cause of a failed start, misled.
        if (directory / LOG_FILE).exists():
            (directory / LOG_FILE).replace(directory / f"{LOG_FILE}.1")
        with open(directory / LOG_FILE, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "shoehorn.cloud.serve", "--state-dir", str(directory), "--port", str(port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives the command; Ctrl-C in this terminal does not reach it
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            found = find(directory)
            if found is not None:
                return found, True
            if process.poll() is not None:
                raise LocalError(f"the local cloud exited at start (exit code {process.returncode}):\n"
                                 f"{_tail(directory / LOG_FILE)}",
                                 hint=f"see {directory / LOG_FILE}; `shoehorn cloud start --port N` picks another port")
            time.sleep(0.1)
        process.kill()
        raise LocalError(f"the local cloud did not answer within {START_TIMEOUT_S:.0f} s",
                         hint=f"see {directory / LOG_FILE}")


def stop(directory: Path | None = None, timeout: float = 15.0) -> Running | None:
    """Stop the running cloud (SIGTERM, then SIGKILL); the one stopped, or None if none ran."""
    directory = directory or state_dir()
    found = find(directory)
    if found is None:  # nothing proven to be the cloud: no signal, only the stale (or unusable) file goes
        forget(directory)
        return None
    os.kill(found.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(found.pid):
        time.sleep(0.1)
    if _alive(found.pid):
        os.kill(found.pid, signal.SIGKILL)
    forget(directory)
    return found


def _alive(pid: int) -> bool:
    if pid <= 0:  # os.kill(0, ...) would signal our own process group
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # our own child that exited but was not reaped yet is a zombie: not alive
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True
