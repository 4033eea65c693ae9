"""What builds leave behind: the app's .shoehorn/ folder and the shared dependency cache.

Builds keep their last few zips (build.py); ``shoehorn clean`` removes the rest on request,
and ``build`` says when the dependency cache has grown past LARGE_CACHE.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle import install

LARGE_CACHE = 2 * 1024 ** 3  # 2 GB of cached dependency sets is worth a word


def size_of(folder: Path | str) -> int:
    """Bytes of the regular files below ``folder`` (symlinks not followed; 0 once it is gone). Local
    containers measure their /tmp with it after every invocation: os.scandir's cached entry types,
    where pathlib's rglob stats each path again (4.5 us for an empty folder against 12.7)."""
    total = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                total += size_of(entry.path)
            elif entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
        except OSError:  # removed meanwhile
            continue
    return total


def dependency_cache_size() -> int:
    """The cache's size, counted cheaply: each entry's zipped copy stands for the entry."""
    return 2 * sum(p.stat().st_size for p in (install.cache_root() / "deps").glob(f"*/{install.DEPS_ZIP}"))


def remove_build_output(directory: Path) -> int:
    """Delete ``directory/.shoehorn``; returns the bytes freed. A symbolic link there is not a
    folder shoehorn made: BuildOutputLinked, and nothing is deleted."""
    folder = directory / ".shoehorn"
    if folder.is_symlink():
        raise BuildOutputLinked(folder, Path(os.readlink(folder)))
    if not folder.is_dir():
        return 0
    freed = size_of(folder)
    shutil.rmtree(folder)
    return freed


class BuildOutputLinked(Exception):
    def __init__(self, link: Path, target: Path) -> None:
        super().__init__(f"{link} is a symbolic link to {target}")
        self.link, self.target = link, target


# What install.install writes under deps/: an entry named by its key (32 hex digits), its staging
# folder (the key, a dot, a random suffix) and the requirements file uv reads beside it.
_ENTRY = re.compile(r"[0-9a-f]{32}(\.[^/]+)?")


def _made_by_install(path: Path) -> bool:
    if path.is_symlink():
        return False
    if path.is_dir():
        return bool(_ENTRY.fullmatch(path.name)) or (path / ".complete").is_file() or (path / install.DEPS_ZIP).is_file()
    return bool(_ENTRY.fullmatch(path.name)) and path.name.endswith(".requirements.txt")


@dataclass(frozen=True, slots=True)
class Emptied:
    folder: Path  # the dependency cache: cache_root()/deps
    freed: int  # bytes
    left: tuple[str, ...]  # names in it that install.install did not make: never deleted


def remove_dependency_cache() -> Emptied:
    """Delete the cache entries builds made (never anything else that sits in the folder)."""
    folder = install.cache_root() / "deps"
    if not folder.is_dir() or folder.is_symlink():
        return Emptied(folder, 0, ())
    freed, left = 0, []
    for path in sorted(folder.iterdir()):
        if not _made_by_install(path):
            left.append(path.name)
            continue
        freed += size_of(path) if path.is_dir() else path.stat().st_size
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    if not left:
        folder.rmdir()
    return Emptied(folder, freed, tuple(left))
