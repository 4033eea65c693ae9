"""A cache folder written once, by whichever process gets there first.

Two `dev --lambda` sessions on one app directory fill the same cache (runtime libraries,
unzipped bundles) at the same moment. Each writes into a staging folder of its own and
renames it into place; the loser finds the folder complete and drops its copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

COMPLETE = ".complete"


def publish(target: Path, fill: Callable[[Path], None], stamp: str) -> Path:
    """``target``, filled by ``fill(staging)`` unless another process already completed it."""
    if (target / COMPLETE).exists():
        return target
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    fill(staging)
    (staging / COMPLETE).write_text(stamp + "\n")
    if target.exists() and not (target / COMPLETE).exists():
        shutil.rmtree(target, ignore_errors=True)  # left half-made by an interrupted older version
    try:
        staging.rename(target)
    except OSError:
        if not (target / COMPLETE).exists():
            raise
        shutil.rmtree(staging, ignore_errors=True)  # another process won the race: same content
    return target
