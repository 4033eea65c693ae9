"""The built bundle: what ``shoehorn build`` produces and ``up``/``dev --lambda`` consume."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Contributor:
    """One top-level entry of the bundle (a package, a folder of the app) and its size."""

    name: str
    unzipped_bytes: int


@dataclass(frozen=True, slots=True)
class ImportCost:
    """What importing one top-level package cost in the check (``-X importtime`` self times, summed)."""

    package: str  # "pydantic" holds pydantic.* too
    ms: float


@dataclass(frozen=True, slots=True)
class Bundle:
    path: Path  # .shoehorn/build/<name>-<sha12>.zip
    sha256: str  # hex digest of the zip file
    zipped_bytes: int
    unzipped_bytes: int
    runtime: str  # e.g. "python3.11"
    architecture: str  # "x86_64" | "arm64"
    handler: str = "shoehorn_handler.handler"
    largest: tuple[Contributor, ...] = ()  # biggest contributors first
    checked: bool = False  # the isolated import check ran and passed
    # Measured by the check (None/empty when it did not run): the cold start a user will see.
    import_ms: float | None = None  # importing the handler: the app and its dependencies
    first_request_ms: float | None = None  # answering the first GET /
    heaviest_imports: tuple[ImportCost, ...] = ()
    check_status: int | None = None  # the app's answer to the check's GET / (a 500 still builds, with a warning)
    # zipper.content_digest of the files, whatever their dates ("" when unknown: a build
    # remembered from before it existed); deploys compare it to skip uploading the same code
    content: str = ""

    @property
    def code_sha256(self) -> str:
        """The digest as Lambda reports it in ``CodeSha256``: base64 of the raw SHA-256."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")
