"""A reproducible zip: the same files give the same bytes, so the SHA-256 identifies the code.

Sorted names, Unix modes normalised to 0644/0755, a fixed compression level and no extra
fields. Each file is dated with its modification time, as a server's disk would show it:
Lambda keeps a zip entry's date in /var/task, and apps serving their own static files derive
Last-Modified and ETag from it (Starlette's StaticFiles, Flask's send_file). One fixed date
(1980-01-01, which Zappa, Chalice, SAM and the Serverless Framework use) would send a 1980
Last-Modified, which browsers cache heuristically for years, and an ETag that stays the same
through an edit that keeps the size (contentful/apps #5001, serverless-http #48). Generated
files (the shim, shoehorn's runtime, the app's bytecode, collected Django static files) carry
1980; the dependencies carry the time their cache entry was installed. ``SOURCE_DATE_EPOCH``
clamps the dates (reproducible-builds.org), for identical bytes from fresh checkouts (and
dependency caches installed after it).

A file's date changes the zip without changing the code, so ``content_digest`` identifies the
code regardless of dates: deploys compare it to skip uploading the same code again.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)
_FIRST, _LAST = 315532800, 4354819198  # 1980-01-01 and 2107-12-31 (UTC): what a zip date can hold
_FILE = stat.S_IFREG


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of the bundle: its content comes from ``source`` (a file) or ``data``."""

    name: str  # posix path inside the zip
    source: Path | None = None
    data: bytes | None = None
    executable: bool = False
    mtime: float | None = None  # seconds since the epoch; None: a generated file, dated 1980

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.source.stat().st_size  # type: ignore[union-attr]


def entry_for(name: str, path: Path) -> Entry:
    """The file at ``path``, read when the zip is written (the dependency cache's files: nobody
    edits them), dated with its modification time."""
    return Entry(name, source=path, executable=os.access(path, os.X_OK), mtime=path.stat().st_mtime)


def snapshot(name: str, path: Path) -> Entry:
    """The file at ``path`` read now, once: its zip entry, its content digest and the build's
    reuse key all come from these bytes, so an edit during the build cannot pair one file's
    bytes with another's digest. Dated after reading: an edit meanwhile gives a newer date, never
    new bytes under an old one."""
    data = path.read_bytes()
    return Entry(name, data=data, executable=os.access(path, os.X_OK), mtime=path.stat().st_mtime)


def date_time(entry: Entry) -> tuple[int, int, int, int, int, int]:
    """The entry's zip date, in UTC (a zip date has no zone; Lambda reads it as UTC)."""
    if entry.mtime is None:
        return EPOCH
    moment = entry.mtime
    clamp = os.environ.get("SOURCE_DATE_EPOCH", "")
    if clamp.isdigit():
        moment = min(moment, int(clamp))
    return time.gmtime(min(max(int(moment), _FIRST), _LAST))[:6]


def extracted_mtime(entry: Entry) -> int:
    """The modification time ``extract`` gives the entry's file: its zip date, which keeps even
    seconds only (a zip stores the time as MS-DOS does, in units of two seconds)."""
    year, month, day, hour, minute, second = date_time(entry)
    return calendar.timegm((year, month, day, hour, minute, second - second % 2))


def _info(entry: Entry) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(entry.name, date_time=date_time(entry))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so external_attr carries the mode below
    info.external_attr = (_FILE | (0o755 if entry.executable else 0o644)) << 16
    return info


def write(entries: dict[str, Entry], destination: Path) -> str:
    """Write the zip to ``destination``; returns its SHA-256 hex digest."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            archive.writestr(_info(entries[name]), entries[name].read(), compresslevel=6)
    return _sha256(destination)


def content_digest(files) -> str:
    """SHA-256 over (name, executable, content) of ``files``, an iterable of those triples in
    name order: what the code is, whatever the dates."""
    digest = hashlib.sha256()
    for name, executable, content in files:
        digest.update(f"{name}\0{int(executable)}\0".encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def entries_digest(entries: dict[str, Entry]) -> str:
    return content_digest((name, entries[name].executable, entries[name].read()) for name in sorted(entries))


def zip_digest(path: Path) -> str:
    """``content_digest`` of the files in a zip written by ``write``."""
    with zipfile.ZipFile(path) as archive:
        infos = sorted(archive.infolist(), key=lambda info: info.filename)
        return content_digest((info.filename, bool((info.external_attr >> 16) & 0o111), archive.read(info))
                              for info in infos)


def _sha256(destination: Path) -> str:
    digest = hashlib.sha256()
    with destination.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_merged(base: Path, entries: dict[str, Entry], destination: Path) -> str:
    """The files of ``base`` (a zip written by ``write``: the cached dependencies) and
    ``entries``, without compressing ``base`` again: a copy of it with the entries appended
    (zipfile's append mode), in name order, so the same inputs give the same bytes. When an
    entry replaces a file of ``base`` (rare: the build warns), everything is written anew."""
    with zipfile.ZipFile(base) as source:
        shadowed = entries.keys() & set(source.namelist())
        if shadowed:
            kept = {info.filename: _stored(source, info) for info in source.infolist() if info.filename not in entries}
            return write({**kept, **entries}, destination)
    shutil.copyfile(base, destination)
    with zipfile.ZipFile(destination, "a", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            archive.writestr(_info(entries[name]), entries[name].read(), compresslevel=6)
    return _sha256(destination)


def _stored(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Entry:
    """A member of a zip written by ``write`` as the Entry that wrote it."""
    mtime = None if info.date_time == EPOCH else calendar.timegm(info.date_time)
    return Entry(info.filename, data=archive.read(info), executable=bool((info.external_attr >> 16) & 0o111), mtime=mtime)


def extract(path: Path, into: Path) -> None:
    """Unzip ``path`` into ``into`` with each file dated as its entry, as Lambda fills /var/task
    (zipfile's extractall dates every file now)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            written = archive.extract(info, into)
            if not info.is_dir():
                moment = calendar.timegm(info.date_time)
                os.utime(written, (moment, moment))
