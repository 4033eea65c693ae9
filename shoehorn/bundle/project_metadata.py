"""The app's own distribution metadata, as installing its project would leave it.

An app deployed from its project (a pyproject.toml with a ``[project]`` table beside it) runs
locally from an install of that project (``pip install -e .``, ``uv sync``), where
``importlib.metadata.version("httpbin")`` and the project's entry points are found. The bundle
holds the project's files and its dependencies, but no install of the project itself: httpbin
0.10.4, deployed from its sdist, failed the build check with ``PackageNotFoundError: No package
metadata was found for httpbin`` (its core.py reads its own version at import), and would have
failed on Lambda alike.

So the bundle gets ``NAME-VERSION.dist-info`` with what ``[project]`` states: METADATA (name,
version, summary, Requires-Python, the dependencies) and entry_points.txt (scripts, gui-scripts,
entry-points), which is what importlib.metadata reads.

A version the build backend works out (``dynamic = ["version"]``: setuptools-scm, hatch-vcs) is read
from an install of this same project (``project_version.py``): what ``importlib.metadata.version()``
gives the app when it runs locally. Without one no metadata is written, and the build says so once.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from shoehorn.bundle import zipper
from shoehorn.bundle.project_version import installed_version
from shoehorn.progress import Info, Progress, discard

INSTALLER = "shoehorn"


def entries(directory: Path, installed: Path, progress: Progress = discard) -> dict[str, zipper.Entry]:
    """Zip name -> entry of the project's dist-info; empty without a [project] name and a version (static, or
    a dynamic one an install of the project holds), or when the dependencies in ``installed`` already hold a
    distribution of that name."""
    project = _project(directory / "pyproject.toml")
    name, version = project.get("name"), project.get("version")
    if not isinstance(name, str):
        return {}
    if held(name, installed):
        return {}
    if "version" in (project.get("dynamic") or ()):
        version = installed_version(directory, name)
        if version is None:
            progress(Info(f"no {name} metadata in the bundle: pyproject.toml's version is dynamic, and no install of "
                          "this project (in shoehorn's environment or .venv) holds it; if the app reads "
                          f"importlib.metadata.version({name!r}), `uv sync` or `pip install -e .` gives it one"))
            return {}
    if not isinstance(version, str):
        return {}
    return dist_info(name, version, _metadata(project, name, version), _entry_points(project))


def dist_info(name: str, version: str, metadata: str, entry_points: str = "") -> dict[str, zipper.Entry]:
    """Zip name -> entry of ``NAME-VERSION.dist-info`` as installing the project leaves it (METADATA,
    INSTALLER, entry_points.txt when there are any, RECORD)."""
    folder = f"{_escaped(name)}-{version.replace('-', '_')}.dist-info"
    files = {"METADATA": metadata, "INSTALLER": INSTALLER + "\n"}
    if entry_points:
        files["entry_points.txt"] = entry_points
    files["RECORD"] = "".join(f"{folder}/{file},,\n" for file in [*files, "RECORD"])
    return {f"{folder}/{file}": zipper.Entry(f"{folder}/{file}", data=text.encode()) for file, text in files.items()}


def held(name: str, *folders: Path, names: tuple[str, ...] = ()) -> bool:
    """Whether a distribution ``name`` has a dist-info in ``folders`` (or among the zip ``names``)."""
    found = [p.name for folder in folders for p in folder.glob("*.dist-info")]
    found += [n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")]
    return any(_escaped(f.split("-")[0]).lower() == _escaped(name).lower() for f in found)


def _project(pyproject: Path) -> dict:
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project")
    except (OSError, ValueError):  # no file, or not TOML: config and requirements report what is wrong
        return {}
    return project if isinstance(project, dict) else {}


def _escaped(name: str) -> str:
    """A project name as a dist-info folder spells it (the wheel spec: runs of -_. become _)."""
    return re.sub(r"[-_.]+", "_", name)


def _metadata(project: dict, name: str, version: str) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    summary = project.get("description")
    if isinstance(summary, str) and summary.strip():
        lines.append(f"Summary: {' '.join(summary.split())}")
    python = project.get("requires-python")
    if isinstance(python, str):
        lines.append(f"Requires-Python: {python}")
    dependencies = project.get("dependencies")
    lines += [f"Requires-Dist: {d}" for d in dependencies if isinstance(d, str)] if isinstance(dependencies, list) else []
    return "\n".join(lines) + "\n"


def _entry_points(project: dict) -> str:
    groups = {"console_scripts": project.get("scripts"), "gui_scripts": project.get("gui-scripts")}
    other = project.get("entry-points")
    groups.update(other if isinstance(other, dict) else {})
    text = []
    for group, points in groups.items():
        if isinstance(points, dict) and points:
            text += [f"[{group}]", *(f"{k} = {v}" for k, v in points.items() if isinstance(v, str)), ""]
    return "\n".join(text)
