"""The packager: the app + its Lambda-platform dependencies + the shim, as one checked zip.

Other rooms use two functions: ``build(config) -> Bundle`` and ``extract(bundle, into)``.
"""

from __future__ import annotations

from pathlib import Path

from shoehorn.bundle.artifact import Bundle
from shoehorn.bundle.build import build
from shoehorn.bundle import zipper

__all__ = ["Bundle", "build", "extract"]


def extract(bundle: Bundle, into: Path) -> Path:
    """Unzip ``bundle`` into ``into`` (created if needed) and return it."""
    into.mkdir(parents=True, exist_ok=True)
    zipper.extract(bundle.path, into)
    return into
