"""The unzipped bundle the check imports, kept between builds and brought up to date member by member.

Unzipping the whole bundle for every check cost about half of a rebuild (0.15-0.5 s for the
FastAPI example), although a one-line edit changes one member. So the tree lives on in
``.shoehorn/check/tree`` with a manifest of what was written there: the zip's CRC and size of
each member, and the size, mode and mtime each file got on disk. Before each check the tree is
brought to exactly the zip's content:

- every file on disk that the manifest does not list, or whose size, mode or mtime changed since
  it was written (something outside the interpreter's audit hook, e.g. a subprocess of the app,
  touched it), is deleted, as are symlinks and directories left empty;
- every member whose CRC or size differs from the manifest's (or that is missing) is written.

What remains is the tree ``unzip`` would give, so the check is as strict as with a fresh
directory. A lock keeps two builds of one app from syncing the same tree at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_FORMAT = 1


@contextmanager
def staged(zip_path: Path, directory: Path) -> Iterator[Path]:
    """``directory/tree`` holding exactly the zip's files, locked until the block ends."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tree = directory / "tree"
        manifest_path = directory / "manifest.json"
        manifest = _read(manifest_path)
        manifest_path.unlink(missing_ok=True)  # an interrupted sync leaves no manifest: the next one starts over
        if not manifest:
            shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(exist_ok=True)
        manifest = sync(zip_path, tree, manifest)
        partial = directory / f".manifest-{os.getpid()}.json"
        partial.write_text(json.dumps({"format": _FORMAT, "files": manifest}))
        partial.replace(manifest_path)
        yield tree


def sync(zip_path: Path, tree: Path, manifest: dict[str, list[int]]) -> dict[str, list[int]]:
    """Make ``tree`` hold exactly the zip's files; returns the new manifest."""
    kept = _prune(tree, manifest)
    with zipfile.ZipFile(zip_path) as archive:
        members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        for name in kept.keys() - members.keys():
            (tree / name).unlink()
            kept.pop(name)
        _remove_empty_dirs(tree)  # before writing: a removed package's folder may now be a file's name
        for name, info in members.items():
            if kept.get(name, [None, None])[:2] == [info.CRC, info.file_size]:
                continue
            kept[name] = [info.CRC, info.file_size, *_stat(os.stat(archive.extract(info, tree)))]
    return kept


def _prune(tree: Path, manifest: dict[str, list[int]]) -> dict[str, list[int]]:
    """Delete what the manifest cannot vouch for; returns the entries still true on disk."""
    kept: dict[str, list[int]] = {}
    folders = [(str(tree), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, relative + "/"))
                    continue
                saved = manifest.get(relative)
                regular = entry.is_file(follow_symlinks=False)
                if saved and regular and saved[2:] == _stat(entry.stat(follow_symlinks=False)):
                    kept[relative] = saved
                else:
                    os.unlink(entry.path)  # unknown, changed since written, or a symlink
    return kept


def _stat(found: os.stat_result) -> list[int]:
    return [found.st_size, found.st_mode, found.st_mtime_ns]


def _remove_empty_dirs(tree: Path) -> None:
    # zips of ours hold no directory entries: an empty directory (e.g. one the app made) would
    # be importable as a namespace package in the check but does not exist on Lambda.
    for root, dirs, files in os.walk(tree, topdown=False):
        if root != str(tree) and not os.listdir(root):
            os.rmdir(root)


def _read(path: Path) -> dict[str, list[int]]:
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return saved.get("files", {}) if isinstance(saved, dict) and saved.get("format") == _FORMAT else {}
