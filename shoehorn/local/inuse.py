"""Which processes use an unzipped bundle, so that no session deletes another's.

Sessions of one app directory (two `dev --lambda`, a `run --local`) share ``.shoehorn/lambda``, and
each prunes the bundles it no longer needs. Each process leaves a marker beside every bundle it
unzips or reuses (``lambda/.in-use/<digest>.<pid>``; beside, not inside: the function would see it
in its code directory); a prune skips a bundle that a live process other than itself marked. A
process that exits leaves its markers behind, and its pid no longer answers: they count for nothing
and go with the bundle. (A reused pid can only keep a bundle longer, never delete one in use.)
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER = ".in-use"


def _markers(task_root: Path) -> list[Path]:
    folder = task_root.parent / FOLDER
    return list(folder.glob(f"{task_root.name}.*")) if folder.is_dir() else []


def mark(task_root: Path) -> None:
    """This process uses ``task_root`` (mark before unzipping: a prune in between would see it unused)."""
    folder = task_root.parent / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{task_root.name}.{os.getpid()}").touch()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def used_elsewhere(task_root: Path) -> bool:
    """Whether a live process other than this one marked ``task_root`` (this one's use is its own to know)."""
    for marker in _markers(task_root):
        pid = marker.name.rpartition(".")[2]
        if pid.isdigit() and int(pid) != os.getpid() and alive(int(pid)):
            return True
    return False


def forget(task_root: Path) -> None:
    """The markers of a deleted bundle."""
    for marker in _markers(task_root):
        marker.unlink(missing_ok=True)
