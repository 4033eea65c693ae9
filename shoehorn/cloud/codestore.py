"""Every function zip the local cloud has seen, kept on disk by its sha256.

The zips are taken as they pass through the front (CreateFunction and UpdateFunctionCode
bodies, or the S3 object they name), never out of moto's internals. Lambda reports a
version's code as ``CodeSha256`` (base64 of the SHA-256 digest); ``task_root`` turns that
back into the unzipped code, unzipped once per digest with the emulator's own ``unzip``.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from pathlib import Path

from shoehorn.local.emulator import unzip


def lambda_sha256(code_sha256_b64: str) -> str:
    """Lambda's ``CodeSha256`` (base64 digest) as the hex digest the store is keyed by."""
    return base64.b64decode(code_sha256_b64).hex()


class CodeStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._zips = root / "zips"
        self._zips.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        """Keep ``data``; its hex sha256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._zips / f"{digest}.zip"
        if not path.exists():
            staging = path.with_suffix(".tmp")
            staging.write_bytes(data)
            staging.rename(path)
        return digest

    def has(self, digest: str) -> bool:
        return (self._zips / f"{digest}.zip").exists()

    def task_root(self, digest: str) -> Path | None:
        """The unzipped code of ``digest``, or None when no upload with that hash passed through."""
        path = self._zips / f"{digest}.zip"
        if not path.exists():
            return None
        with self._lock:  # two first invocations of new code must not unzip into one staging dir
            return unzip(path, self.root, digest)
