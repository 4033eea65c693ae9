"""The other Lambda Pythons this machine has, and an environment that hides them (for the tests of
shoehorn/local/interpreters.py's users: the local cloud, dev --lambda, the build)."""

from __future__ import annotations

import os
from pathlib import Path

from shoehorn.config import SUPPORTED_RUNTIMES, local_runtime
from shoehorn.local import interpreters


def others() -> list[tuple[str, str]]:
    """(runtime, path) of each CPython here for a Lambda runtime other than this Python's (pyenv on the
    machines this suite runs on has 3.10, 3.12 and 3.13)."""
    here = interpreters.architecture_here()
    return [(runtime, path) for runtime in SUPPORTED_RUNTIMES
            if runtime != local_runtime() and (path := interpreters.for_target(runtime, here))]


def other_runtime() -> str:
    """A Lambda runtime that is not this Python's."""
    return "python3.12" if local_runtime() != "python3.12" else "python3.13"


def without_python(runtime: str, nowhere: Path) -> dict[str, str]:
    """This environment, where shoehorn finds no Python for ``runtime`` ("python3.12") but its own:
    PATH without a python3.X, pyenv and uv pointed at ``nowhere``."""
    path = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not (Path(d) / runtime).exists())  # ("python3.12" is the executable's name)
    return {**os.environ, "PATH": path, "PYENV_ROOT": str(nowhere), "UV_PYTHON_INSTALL_DIR": str(nowhere)}
