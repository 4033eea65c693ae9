"""The bundle as `dev --lambda`'s containers run it, laid out without zipping or unzipping it.

A rebuild used to zip the whole bundle and unzip it again into a new code directory: for a
Django project, 4,800 files of Django itself on every edit (zip 0.2-0.4 s, unzip 1.3-1.8 s on a
loaded 2-core box), although a one-line edit changes one file. The code directory is now laid out
from the parts the zip is made of (``shoehorn.bundle.build.contents``):

- the dependencies' zip (``DEPS_ZIP`` of their cache entry) is extracted once, into a base that
  nothing runs from (``lambda/.deps/<key>/tree``, beside the code directories);
- a code directory holds a hard link to each of the base's files, and the app's entries (its
  files, shoehorn's runtime, the shim, their bytecode, static files) written as files over them,
  each dated as its zip entry: what unzipping the zip ``build`` writes gives (tests compare
  them file by file, with their dates);
- a code directory that no container uses any more is not deleted but stripped back to the
  base's links (what containers may have added goes, what the app replaced is linked again) and
  kept as this process's spare (``lambda/.spare-<key>-<made>-<pid>``, never run): the next
  rebuild renames it into place and writes only the app's files. Deleting 7,000 entries and
  linking them again cost a second or more per edit on that box; stripping reads the entries
  and removes only what is not a link to the base.

Hard links share files, not names: deleting or stripping a code directory (``emulator.prune``)
leaves the base and every other directory whole, and code directories stay immutable once
published, so the rules of ``inuse`` are unchanged. A write through a link would change every
directory holding that file: the code directory is read-only to each Python process of a
container (readonly.py), as on Lambda, and the base's files are compared with what was extracted
(size, mode, date, inode) before each use; a difference means something else wrote there, and the
base is extracted anew (its spares, linked to the old files, are then never taken).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shoehorn.bundle import limits, zipper
from shoehorn.bundle.install import DEPS_ZIP
from shoehorn.local import inuse
from shoehorn.local.staging import COMPLETE, publish
from shoehorn.progress import Progress, discard

if TYPE_CHECKING:
    from shoehorn.bundle.build import Contents

_LAYOUT = "1"  # bump when a base or a code directory is laid out differently
BASES = ".deps"
SPARE = ".spare-"
# One layout at a time in this process (the reloader also serialises rebuilds and prunes).
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Base:
    path: Path  # lambda/.deps/<key>: tree/ holds the files, files.json what extracting them wrote
    key: str
    files: dict[str, list[int]]  # name -> [size, mode, mtime_ns, inode] as extracted
    made: int  # the folder's inode: a base extracted again is another base, whose spares are its own

    @property
    def tree(self) -> Path:
        return self.path / "tree"


def assemble(parts: Contents, lambda_dir: Path, *, progress: Progress = discard) -> tuple[Path, bool]:
    """The code directory of ``parts`` (published once per content, marked as this process's), and
    whether it was laid out now."""
    with _lock:
        base = _base(parts.deps_dir / DEPS_ZIP, lambda_dir, parts.deps_dir.name)
        digest = _digest(base.key, parts.app)
        root = lambda_dir / digest[:16]
        made = not (root / COMPLETE).exists()
        if made:
            unzipped, largest, _ = limits.measure({name: saved[0] for name, saved in base.files.items()},
                                                  {name: entry.size for name, entry in parts.app.items()}, progress)
            limits.enforce(0, unzipped, largest, progress)  # the zipped size only matters to `up`
        inuse.mark(root)  # before laying it out: a prune in between would see it unused
        if made:
            publish(root, lambda staging: _lay_out(staging, base, parts.app), digest)
    return root, made


def _digest(base_key: str, app: dict[str, zipper.Entry]) -> str:
    """What the directory holds: the base, and each app entry's name, date and bytes."""
    digest = hashlib.sha256(f"{_LAYOUT}\0{base_key}\0".encode())
    for name in sorted(app):
        digest.update(f"{name}\0{zipper.date_time(app[name])}\0".encode())
        digest.update(hashlib.sha256(app[name].read()).digest())
    return digest.hexdigest()


def _lay_out(staging: Path, base: Base, app: dict[str, zipper.Entry]) -> None:
    spare = _spare(base)
    if spare.is_dir():
        spare.rename(staging)
    else:
        _link(base, staging)
    for name in sorted(app):
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a dependency's file the app replaces: never written through its link
        path.write_bytes(app[name].read())
        moment = zipper.extracted_mtime(app[name])
        os.utime(path, (moment, moment))  # as unzipping dates it


def _link(base: Base, into: Path) -> None:
    into.mkdir()
    for folder in sorted({name.rpartition("/")[0] for name in base.files} - {""}):
        os.makedirs(into / folder, exist_ok=True)
    source, target = str(base.tree) + "/", str(into) + "/"
    for name in base.files:
        os.link(source + name, target + name)


def _base(deps_zip: Path, lambda_dir: Path, entry: str) -> Base:
    """The dependencies extracted once per cache entry and found intact; other bases that no live
    process uses are deleted (a requirements change leaves its old one behind), and so are this
    process's spares of other bases."""
    found = deps_zip.stat()  # written once per cache entry: its name, size and date identify it
    key = hashlib.sha256(f"{_LAYOUT}\0{entry}\0{found.st_size}\0{found.st_mtime_ns}".encode()).hexdigest()[:16]
    path = lambda_dir / BASES / key
    inuse.mark(path)
    base = _extracted(deps_zip, path, key)
    if not _intact(base):  # something wrote to a file through a link: extracted anew
        shutil.rmtree(path, ignore_errors=True)
        base = _extracted(deps_zip, path, key)
    for other in (lambda_dir / BASES).iterdir():
        if other.is_dir() and other != path and ".tmp-" not in other.name and not other.name.startswith("."):
            if not inuse.used_elsewhere(other):
                shutil.rmtree(other, ignore_errors=True)
                inuse.forget(other)
    for spare in lambda_dir.glob(f"{SPARE}*-{os.getpid()}"):
        if spare != _spare(base):
            shutil.rmtree(spare, ignore_errors=True)
    return base


def _extracted(deps_zip: Path, path: Path, key: str) -> Base:
    publish(path, lambda staging: _extract(deps_zip, staging), key)
    return Base(path, key, json.loads((path / "files.json").read_text()), path.stat().st_ino)


def _extract(deps_zip: Path, staging: Path) -> None:
    (staging / "tree").mkdir(parents=True)  # (an app without dependencies: an empty zip makes no folder)
    zipper.extract(deps_zip, staging / "tree")
    with zipfile.ZipFile(deps_zip) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
    (staging / "files.json").write_text(json.dumps({name: _stat(staging / "tree" / name) for name in names}))


def _stat(path: Path | str) -> list[int]:
    found = os.lstat(path)
    return [found.st_size, found.st_mode, found.st_mtime_ns, found.st_ino]


def _intact(base: Base) -> bool:
    source = str(base.tree) + "/"
    try:
        return all(_stat(source + name) == saved for name, saved in base.files.items())
    except OSError:
        return False


def _spare(base: Base) -> Path:
    return base.path.parent.parent / f"{SPARE}{base.key}-{base.made}-{os.getpid()}"


def recycle(root: Path) -> bool:
    """Make ``root``, a code directory no container uses any more, this process's spare: whether it
    did (False: delete it). Only one spare per base, and only a directory linked to the base as it
    is now (not one of another base, nor one the local cloud unzipped)."""
    lambda_dir = root.parent
    with _lock:
        for path in (lambda_dir / BASES).glob("*/files.json") if (lambda_dir / BASES).is_dir() else ():
            base = Base(path.parent, path.parent.name, json.loads(path.read_text()), path.parent.stat().st_ino)
            if base.files and not _spare(base).exists() and _linked_to(root, base):
                _strip(root, base)
                root.rename(_spare(base))
                return True
    return False


def _linked_to(root: Path, base: Base) -> bool:
    name, saved = next(iter(base.files.items()))
    try:
        return os.lstat(root / name).st_ino == saved[3]
    except OSError:
        return False


def _strip(root: Path, base: Base) -> None:
    """Leave in ``root`` exactly the base's links: anything else goes (the app's files, whatever its
    containers made), and a base file missing or replaced there is linked again."""
    folders = set()
    for name in base.files:
        while "/" in name:
            name = name.rpartition("/")[0]
            folders.add(name)
    kept = set()
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name in folders:
                        pending.append((entry.path, name + "/"))
                    else:
                        shutil.rmtree(entry.path)
                elif name in base.files and entry.stat(follow_symlinks=False).st_ino == base.files[name][3]:
                    kept.add(name)
                else:
                    os.unlink(entry.path)
    for name in base.files.keys() - kept:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(base.tree / name, root / name)


def prune_spares(lambda_dir: Path) -> None:
    """Spares of processes that are gone."""
    for spare in lambda_dir.glob(f"{SPARE}*"):
        pid = spare.name.rpartition("-")[2]
        if pid.isdigit() and not inuse.alive(int(pid)):
            shutil.rmtree(spare, ignore_errors=True)
