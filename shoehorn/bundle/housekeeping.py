"""What builds leave behind: the app's .shoehorn/ folder and the shared dependency cache.

Builds keep their last few zips (build.py); ``shoehorn clean`` removes the rest on request,
and ``build`` says when the dependency cache has grown past LARGE_CACHE.
"""

from __future__ import annotations

import os
import shutil
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
    """Delete ``directory/.shoehorn``; returns the bytes freed."""
    folder = directory / ".shoehorn"
    if not folder.is_dir():
        return 0
    freed = size_of(folder)
    shutil.rmtree(folder)
    return freed


def remove_dependency_cache() -> tuple[Path, int]:
    folder = install.cache_root() / "deps"
    if not folder.is_dir():
        return folder, 0
    freed = size_of(folder)
    shutil.rmtree(folder)
    return folder, freed
