"""What the app imports from outside itself and the standard library, read from its files.

`init` warns when the app needs packages but no requirements file lists them: without one the
bundle installs nothing, and `build` would fail on the first import. The files are parsed with
``ast``, never imported (see discovery.py); a quick look, not a proof: an import inside a
function or behind a try counts too, which is what a newcomer's app needs anyway.
"""

from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path

from shoehorn.discovery import SOURCE_DIRS

# Folders that hold no app code the bundle runs (or hold someone else's).
_SKIP = frozenset({"tests", "test", "docs", "node_modules", "build", "dist", "venv", "env", "site-packages"})
_MOST_FILES = 300  # a quick look: an app's own files, not a vendored tree


def third_party(directory: Path) -> list[str]:
    """Top-level modules the app's files import that are neither the app's own nor the stdlib, sorted."""
    local = local_modules(directory)
    found: set[str] = set()
    for file in _app_files(directory):
        try:
            tree = ast.parse(file.read_bytes(), filename=str(file))
        except (SyntaxError, ValueError, OSError):
            continue  # discovery and the bundle check report a broken file; this is only a hint
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return sorted(found - local - set(sys.stdlib_module_names) - {"__future__"})


def local_modules(directory: Path) -> set[str]:
    """Names the app's own files and folders make importable: ``x.py`` and ``x/`` in the app
    directory and under src/ (a folder without __init__.py is a namespace package)."""
    names: set[str] = set()
    for source_dir in SOURCE_DIRS:
        base = directory / source_dir if source_dir else directory
        if not base.is_dir():
            continue
        for path in base.iterdir():
            name = path.stem if path.suffix == ".py" and path.is_file() else path.name if path.is_dir() else ""
            if name.isidentifier():
                names.add(name)
    return names


def _app_files(directory: Path) -> list[Path]:
    files: list[Path] = []
    pending = [directory]
    while pending and len(files) < _MOST_FILES:
        folder = pending.pop(0)
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.name.startswith((".", "_")) and path.name != "__init__.py":
                continue
            if path.is_dir() and path.name not in _SKIP and not (path / "pyvenv.cfg").exists():
                pending.append(path)
            elif path.suffix == ".py" and path.is_file() and not path.name.startswith("test_"):
                files.append(path)
    return files[:_MOST_FILES]


def misspelt(directory: Path, module: str) -> str | None:
    """The app's own top-level module ``module`` probably meant (``flasker`` -> ``flaskr``), when
    ``module``'s top level is none of the app's: a typo in `app` otherwise reads as a missing dependency."""
    top = module.split(".")[0]
    local = local_modules(directory)
    if top in local:
        return None
    close = difflib.get_close_matches(top, sorted(local), n=1, cutoff=0.75)
    return close[0] if close else None
