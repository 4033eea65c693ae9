"""What a bundle needs for an app named by a PasteDeploy .ini (``app = "production.ini"``).

Three things ``pserve production.ini`` finds on a developer's machine and Lambda would not:

- the .ini itself, shipped with the app's files (an ``exclude`` may have left it out);
- PasteDeploy (through plaster_pastedeploy, which Pyramid 2 depends on): the app's dependency, so a bundle
  without it (another framework's PasteDeploy app) is refused here, naming the package, not at every cold start
  with an ImportError;
- the project's entry points: ``use = egg:hello_world`` is looked up by installed metadata
  (``importlib.metadata.distribution("hello_world")``, its ``paste.app_factory`` group), which
  ``pip install -e .`` leaves locally and the bundle does not hold. A pyproject.toml ``[project]`` gets its
  dist-info from project_metadata; a setup.py/setup.cfg project (Pyramid's quick tour, older cookiecutters)
  gets one here, with the entry points read from the file (never run), else from an install of the project.
"""

from __future__ import annotations

import ast
import configparser
import importlib.metadata
import re
from pathlib import Path

from shoehorn import paste_ini
from shoehorn.bundle import zipper
from shoehorn.bundle.project_metadata import dist_info, held
from shoehorn.bundle.project_version import environments, installed_from
from shoehorn.config import Config
from shoehorn.errors import BuildError
from shoehorn.paste_loader import PACKAGE


def entries(config: Config, deps_dir: Path, files: tuple[str, ...], app: dict[str, zipper.Entry]) -> dict[str, zipper.Entry]:
    """The dist-info entries the .ini's ``egg:`` names need (none for a ``module:attribute`` app); a
    BuildError when the .ini is not shipped, PasteDeploy is not a dependency, or an egg cannot be found."""
    if not paste_ini.is_ini(config.app):
        return {}
    ref = paste_ini.parse(config.app)
    if ref.file not in files:
        raise BuildError(f"app = {config.app!r}, but the bundle leaves {ref.file} out (an `exclude` pattern or "
                         ".gitignore matches it): the app could not start on Lambda",
                         f'ship it: include = ["{ref.file}"] in shoehorn.toml')
    if not (deps_dir / "paste" / "deploy").is_dir():
        raise BuildError(f"app = {config.app!r} is loaded by PasteDeploy, as `pserve` loads it, and the app's "
                         "requirements do not install it",
                         f"add {PACKAGE} to the requirements (requirements.txt, or pyproject.toml's dependencies): "
                         "it brings plaster and PasteDeploy, as Pyramid's cookiecutter lists it. PasteDeploy alone "
                         "does too: a TurboGears quickstart has it only through gearbox, a development dependency "
                         "Lambda does not get")
    made: dict[str, zipper.Entry] = {}
    for egg in paste_ini.eggs(config.directory, ref):
        if not held(egg, deps_dir, names=tuple(app)):
            made.update(_dist_info(config.directory, egg, ref.file))
    return made


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info(directory: Path, egg: str, ini: str) -> dict[str, zipper.Entry]:
    """``EGG-VERSION.dist-info`` for the project in ``directory`` named ``egg``: what pip install would leave."""
    project = _setup_py(directory / "setup.py") or _setup_cfg(directory / "setup.cfg")
    name, version, points = project if project else (None, None, None)
    if not project or _key(name) != _key(egg) or not points:
        name, version, points = _installed(directory, egg) or (name, version, points)
    if name is None or _key(name) != _key(egg) or not points:
        raise BuildError(f"{ini} says `use = egg:{egg}`, which PasteDeploy finds by the installed metadata of "
                         f"a distribution {egg!r}: neither the dependencies nor this project provide it (no "
                         "setup.py/setup.cfg entry points readable without running it, and no install of the project "
                         "here)",
                         f"declare it in pyproject.toml ([project] name = \"{egg}\", version, and "
                         f"[project.entry-points.\"paste.app_factory\"] main = \"{egg}:main\"), or run "
                         "`pip install -e .` here, or list the package that provides it in the requirements")
    version = version or "0"
    return dist_info(name, version, f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", points)


def _setup_py(file: Path) -> tuple[str, str | None, str] | None:
    """(name, version, entry_points.txt) of ``setup(...)`` in ``file``, from its literal keywords; None when
    there is no such call or its name or entry points are not written as literals."""
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "setup":
            given = {k.arg: k.value for k in node.keywords if k.arg}
            try:
                name = ast.literal_eval(given["name"])
                points = ast.literal_eval(given["entry_points"])
                version = ast.literal_eval(given["version"]) if "version" in given else None
            except (KeyError, ValueError, SyntaxError):
                return None
            if not isinstance(name, str) or not isinstance(points, (dict, str)):
                return None
            return name, version if isinstance(version, str) else None, _points_text(points)
    return None


def _setup_cfg(file: Path) -> tuple[str, str | None, str] | None:
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    try:
        parser.read(file, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    name = parser.get("metadata", "name", fallback=None)
    if not name or not parser.has_section("options.entry_points"):
        return None
    version = parser.get("metadata", "version", fallback=None)
    points = {group: value for group, value in parser.items("options.entry_points")}
    return name, version if version and not version.startswith(("attr:", "file:")) else None, _points_text(points)


def _points_text(points: dict | str) -> str:
    """entry_points.txt from setuptools' forms: a dict of group -> list (or text) of "name = module:attr"."""
    if isinstance(points, str):
        return points.strip() + "\n"
    text: list[str] = []
    for group, lines in points.items():
        items = lines.splitlines() if isinstance(lines, str) else lines
        items = [line.strip() for line in items if isinstance(line, str) and line.strip()]
        if items:
            text += [f"[{group}]", *items, ""]
    return "\n".join(text)


def _installed(directory: Path, egg: str) -> tuple[str, str, str] | None:
    """(name, version, entry_points.txt) of an install of this project (`pip install -e .`), found as the
    project's version is (project_version): an entry-point list setup.py computes is read from there."""
    for distribution in importlib.metadata.distributions(name=egg, path=environments(directory)):
        if installed_from(distribution) == directory.resolve():
            points = distribution.read_text("entry_points.txt")
            if points:
                return distribution.metadata["Name"], distribution.version, points
    return None
