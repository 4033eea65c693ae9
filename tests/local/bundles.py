"""Test-only bundle builder: an unzipped bundle as a plain directory.

It copies what the real bundle holds (the app files, its installed distributions and
their dependencies, ``shoehorn/__init__.py`` + ``shoehorn/runtime``, and a generated
``shoehorn_handler.py``) from this environment, so container tests need no network
and no packager. Only tests use it; ``shoehorn.bundle.build`` is the real thing.
"""

from __future__ import annotations

import re
import shutil
from importlib import metadata
from pathlib import Path

import shoehorn

SHOEHORN = Path(shoehorn.__file__).parent
HANDLER_SHIM = "from shoehorn import adapt\nfrom {module} import {attribute} as _app\n\nhandler = adapt(_app)\n"


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    names = []
    for requirement in dist.requires or ():
        if "extra ==" in requirement:
            continue
        names.append(re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0])
    return names


def copy_distributions(names: list[str], into: Path) -> None:
    """Copy installed distributions and everything they require, like a dependency install."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional, platform-specific dependency not installed here
        for file in dist.files or ():
            if file.parts[0] in ("..", "bin") or "__pycache__" in file.parts:
                continue
            source = Path(dist.locate_file(file))
            if source.is_file():
                target = into / Path(*file.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        todo.extend(_requirement_names(dist))


def copy_runtime(into: Path) -> None:
    (into / "shoehorn").mkdir(parents=True, exist_ok=True)
    shutil.copy2(SHOEHORN / "__init__.py", into / "shoehorn" / "__init__.py")
    shutil.copytree(SHOEHORN / "runtime", into / "shoehorn" / "runtime", ignore=shutil.ignore_patterns("__pycache__"))


def app_bundle(into: Path, app_dir: Path, *, app: str = "app:app", distributions: list[str] = ()) -> Path:
    """The bundle of an app directory: its files, the named distributions, the runtime, the shim."""
    shutil.copytree(app_dir, into, ignore=shutil.ignore_patterns("__pycache__", ".shoehorn", "tests"), dirs_exist_ok=True)
    copy_distributions(list(distributions), into)
    copy_runtime(into)
    module, _, attribute = app.partition(":")
    (into / "shoehorn_handler.py").write_text(HANDLER_SHIM.format(module=module, attribute=attribute))
    return into


def handler_bundle(into: Path, source: str) -> Path:
    """A bundle whose ``shoehorn_handler.py`` is ``source`` (a raw Lambda handler)."""
    into.mkdir(parents=True, exist_ok=True)
    (into / "shoehorn_handler.py").write_text(source)
    return into
