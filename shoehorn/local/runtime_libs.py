"""AWS's runtime libraries, copied once into a directory of their own.

On Lambda, ``sys.path`` holds the bundle and the runtime's own directory
(``/var/runtime``: awslambdaric and its dependencies), never anything else. The local
containers get the same: this directory plus the unzipped bundle, so an import that
only works thanks to the developer's site-packages fails here as it would on AWS.
"""

from __future__ import annotations

import shutil
import sys
from importlib import metadata
from pathlib import Path

from shoehorn.errors import LocalError
from shoehorn.local.staging import publish

# awslambdaric and what it imports at runtime (its install_requires).
DISTRIBUTIONS = ("awslambdaric", "simplejson", "snapshot-restore-py")


def _files(name: str) -> list[tuple[Path, Path]]:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError as missing:
        raise LocalError(
            f"the Lambda runtime library {name!r} is not installed next to shoehorn",
            hint="pip install 'awslambdaric>=2.2' (it is a shoehorn dependency on Linux)",
        ) from missing
    pairs = []
    for file in dist.files or ():
        top = file.parts[0]
        if top.endswith((".dist-info", ".egg-info")) or top in ("..", "bin") or "__pycache__" in file.parts:
            continue
        pairs.append((Path(dist.locate_file(file)), Path(*file.parts)))
    return pairs


def ensure(cache_root: Path) -> Path:
    """The runtime-libs directory for this Python and these library versions (built once)."""
    versions = "-".join(f"{name}{metadata.version(name)}" for name in DISTRIBUTIONS if _installed(name))
    tag = f"py{sys.version_info.major}{sys.version_info.minor}-{versions}"
    return publish(cache_root / "runtime-libs" / tag, _copy, tag)


def _copy(staging: Path) -> None:
    for name in DISTRIBUTIONS:
        for source, relative in _files(name):
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True
