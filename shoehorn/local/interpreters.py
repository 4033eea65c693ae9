"""A Python on this machine for a Lambda runtime: where the local cloud runs a function built for
another Python than its own (a team pins ``runtime = "python3.12"``, this shell runs 3.11).

Lambda's ``python3.X`` runtime is CPython 3.X, so a bundle built for it runs on any CPython 3.X
of the same architecture: its dependencies were installed for that Python and platform. Looked
for where developers keep their Pythons, in order: ``python3.X`` on PATH, pyenv's versions,
uv's managed Pythons. Each candidate is run once to ask its version and machine (a pyenv shim
for a version that is not active, or a broken symlink, answers wrongly or not at all).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from shoehorn.config import local_runtime  # the Lambda runtime of the Python running shoehorn

_ASK = "import sys, platform; print('%d.%d' % sys.version_info[:2], platform.machine(), sys.implementation.name)"
# platform.machine() -> Lambda's name for the architecture
MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
_found: dict[tuple[str, str], str | None] = {}  # (runtime, architecture) -> path found, per process


def architecture_here() -> str:
    """Lambda's name for this machine's architecture ("x86_64" or "arm64")."""
    machine = platform.machine().lower()
    return MACHINES.get(machine, machine)


def for_target(runtime: str, architecture: str) -> str | None:
    """The Python that runs a ``runtime``/``architecture`` bundle on this machine: this one when they
    are its own, else another CPython of that version on this architecture, else None (an arm64
    bundle's compiled modules cannot load on x86_64, and the other way round)."""
    if architecture != architecture_here():
        return None
    if runtime == local_runtime():
        return sys.executable
    return find(runtime, architecture)


def find(runtime: str, architecture: str) -> str | None:
    """The path of a CPython for ``runtime`` ("python3.12") on ``architecture``, or None."""
    key = (runtime, architecture)
    if _found.get(key) is None:  # (none found is looked for again: one may be installed while the cloud runs)
        _found[key] = next((path for path in candidates(runtime) if _answers(path, runtime, architecture)), None)
    return _found[key]


def candidates(runtime: str) -> list[str]:
    """Where a ``runtime`` interpreter may be, best first (not checked yet)."""
    version = runtime.removeprefix("python")
    name = f"python{version}"
    found = [sys.executable] if runtime == local_runtime() else []
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    # newest patch release first: 3.12.10 before 3.12.9
    found += [str(p / "bin" / name) for p in sorted(pyenv.glob(f"{version}.*"), key=_patch, reverse=True)]
    uv = Path(os.environ.get("UV_PYTHON_INSTALL_DIR") or Path.home() / ".local" / "share" / "uv" / "python")
    found += [str(p / "bin" / name) for p in sorted(uv.glob(f"cpython-{version}.*"), key=_patch, reverse=True)]
    return list(dict.fromkeys(path for path in found if os.access(path, os.X_OK)))


def _patch(folder: Path) -> int:
    part = folder.name.removeprefix("cpython-").split("-")[0].split(".")
    return int(part[2]) if len(part) > 2 and part[2].isdigit() else -1


def _answers(path: str, runtime: str, architecture: str) -> bool:
    try:
        said = subprocess.run([path, "-I", "-S", "-c", _ASK], capture_output=True, text=True, timeout=15,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    parts = said.stdout.split()
    return (said.returncode == 0 and len(parts) == 3 and f"python{parts[0]}" == runtime
            and MACHINES.get(parts[1].lower()) == architecture and parts[2] == "cpython")

