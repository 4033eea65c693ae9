"""A dynamic project version (setuptools-scm, hatch-vcs: ``dynamic = ["version"]``), read from an install of
this same project.

The version is the build backend's to work out, from git tags or a file. Running its
``prepare_metadata_for_build_wheel`` hook would need the backend and its plugins, which live in an isolated
build environment that may have to be downloaded, and takes a second or more on every build. An install of
the project (``uv sync``, ``pip install -e .``) already holds what the backend worked out, in the same
METADATA ``importlib.metadata.version()`` reads when the app runs locally: reading it is a few file reads,
needs no network and gives the function the version the app has on the developer's machine. An install is
taken as this project's only when its ``direct_url.json`` (PEP 610, written by pip and uv) names the project
folder: a release of the same name from an index is another thing. Like any installed metadata, an editable
install's version is the one of its install (``uv sync`` after a new tag updates it).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname


def installed_version(directory: Path, name: str) -> str | None:
    """The version of the install of the project in ``directory`` named ``name``, found in the environment
    shoehorn runs in, the activated virtual environment or the project's .venv; None when there is none."""
    for distribution in importlib.metadata.distributions(name=name, path=environments(directory)):
        if installed_from(distribution) == directory.resolve():
            return distribution.version
    return None


def environments(directory: Path) -> list[str]:
    """Where installs are looked for, in order: sys.path (shoehorn run from the project's environment, as
    `uv run shoehorn`), then the site-packages of $VIRTUAL_ENV and of the project's .venv (shoehorn installed
    on its own, as a uv tool or with pipx)."""
    found = [entry for entry in sys.path if entry]  # ("": the working directory, holding no install)
    for venv in (os.environ.get("VIRTUAL_ENV"), directory / ".venv"):
        if venv:
            root = Path(venv)
            found += [str(p) for p in sorted(root.glob("lib/python3*/site-packages"))]
            found += [str(root / "Lib" / "site-packages")]  # (a Windows virtual environment)
    return found


def installed_from(distribution: importlib.metadata.Distribution) -> Path | None:
    """The local folder ``distribution`` was installed from (its direct_url.json's file: URL), else None."""
    try:
        url = json.loads(distribution.read_text("direct_url.json") or "null")["url"]
    except (ValueError, TypeError, KeyError):  # no such file, or not what PEP 610 says
        return None
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme != "file":
        return None
    return Path(url2pathname(parsed.path)).resolve()
