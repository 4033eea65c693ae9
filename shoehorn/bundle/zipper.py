"""A deterministic zip: the same entries give the same bytes, so the SHA-256 identifies the code.

Sorted names, one fixed timestamp (1980-01-01, the earliest a zip can hold), Unix modes
normalised to 0644/0755, a fixed compression level and no extra fields. Lambda reports
the SHA-256 of the uploaded zip as CodeSha256, so an unchanged app is never re-uploaded.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE = stat.S_IFREG


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of the bundle: its content comes from ``source`` (a file) or ``data``."""

    name: str  # posix path inside the zip
    source: Path | None = None
    data: bytes | None = None
    executable: bool = False

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.source.stat().st_size  # type: ignore[union-attr]


def entry_for(name: str, path: Path) -> Entry:
    return Entry(name, source=path, executable=os.access(path, os.X_OK))


def write(entries: dict[str, Entry], destination: Path) -> str:
    """Write the zip to ``destination``; returns its SHA-256 hex digest."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            entry = entries[name]
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr carries the mode below
            info.external_attr = (_FILE | (0o755 if entry.executable else 0o644)) << 16
            archive.writestr(info, entry.read(), compresslevel=6)
    return _sha256(destination)


def _sha256(destination: Path) -> str:
    digest = hashlib.sha256()
    with destination.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_merged(base: Path, entries: dict[str, Entry], destination: Path) -> str:
    """Like ``write(all of base's files + entries)``, without compressing ``base`` again.

    ``base`` is a zip written by ``write`` (the cached dependencies); its members are copied
    as stored, compressed bytes. Entries win over base members of the same name. The output
    is sorted like ``write``'s, so the same inputs still give the same bytes.
    """
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED,
                                                           compresslevel=6) as archive:
        stored = {info.filename: info for info in source.infolist()}
        for name in sorted(stored.keys() | entries.keys()):
            if name in entries:
                entry = entries[name]
                info = zipfile.ZipInfo(name, date_time=EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = (_FILE | (0o755 if entry.executable else 0o644)) << 16
                archive.writestr(info, entry.read(), compresslevel=6)
            else:
                _copy_raw(source, stored[name], archive)
    return _sha256(destination)


def _copy_raw(source: zipfile.ZipFile, info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> None:
    # zipfile has no public "copy a member without recompressing"; this writes the member's
    # local header and its compressed bytes, and registers it for the central directory,
    # exactly as ZipFile.write does after compressing.
    assert source.fp is not None and archive.fp is not None
    source.fp.seek(info.header_offset)
    header = source.fp.read(zipfile.sizeFileHeader)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    source.fp.seek(info.header_offset + zipfile.sizeFileHeader + name_length + extra_length)
    data = source.fp.read(info.compress_size)
    copied = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    for field in ("compress_type", "create_system", "external_attr", "CRC", "compress_size", "file_size",
                  "flag_bits", "create_version", "extract_version"):
        setattr(copied, field, getattr(info, field))
    copied.header_offset = archive.fp.tell()
    archive.fp.write(copied.FileHeader(zip64=False))
    archive.fp.write(data)
    archive.filelist.append(copied)
    archive.NameToInfo[copied.filename] = copied
    archive.start_dir = archive.fp.tell()
    archive._didModify = True  # noqa: SLF001 - makes close() write the central directory
