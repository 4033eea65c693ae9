"""A deterministic zip: the same entries give the same bytes, so the SHA-256 identifies the code.

Sorted names, one fixed timestamp (1980-01-01, the earliest a zip can hold), Unix modes
normalised to 0644/0755, a fixed compression level and no extra fields. Lambda reports
the SHA-256 of the uploaded zip as CodeSha256, so an unchanged app is never re-uploaded.
"""

from __future__ import annotations

import hashlib
import os
import stat
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
    digest = hashlib.sha256()
    with destination.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
