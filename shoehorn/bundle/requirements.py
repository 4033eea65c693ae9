"""What to install: the requirement lines for the bundle, from whichever source the config names."""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shoehorn.bundle import reqfile
from shoehorn.config import Config
from shoehorn.errors import BuildError, ConfigError

# A lock's registry for packages from PyPI itself; any other registry is passed to uv by name.
_PYPI = ("https://pypi.org/simple", "https://pypi.org/simple/")


@dataclass(frozen=True, slots=True)
class Requirements:
    text: str  # requirements.txt syntax; "" means no dependencies
    source: str  # for messages, e.g. "requirements.txt"
    directory: Path  # uv's working directory (every local path in ``text`` is absolute already)

    @property
    def has_local_paths(self) -> bool:
        return reqfile.TREE_DIGEST in self.text or reqfile.FILES_DIGEST in self.text

    def folders_in(self, directory: Path) -> tuple[str, ...]:
        """The --find-links folders below ``directory`` (relative, ending in "/"): build inputs."""
        found = []
        for line in self.text.splitlines():
            if line.startswith("--find-links "):
                path = Path(line.removeprefix("--find-links ").split("  #", 1)[0].strip())
                if path.is_dir() and path.is_relative_to(directory.resolve()) and path != directory.resolve():
                    found.append(path.relative_to(directory.resolve()).as_posix() + "/")
        return tuple(found)

    @property
    def empty(self) -> bool:
        return not any(line.strip() and not line.lstrip().startswith("#") for line in self.text.splitlines())


def resolve(config: Config, uv: str) -> Requirements:
    """The requirement lines of the app (never includes the app itself)."""
    path, kind = config.requirements, config.requirements_kind
    if path is None or kind == "none":
        return Requirements("", "no requirements", config.directory)
    if kind == "pyproject":
        return _from_pyproject(path, uv)
    if kind == "uv.lock":
        return Requirements(_uv_export(path, uv), path.name, path.parent)
    return Requirements(reqfile.expand(path), path.name, path.parent)


def _from_pyproject(path: Path, uv: str) -> Requirements:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    uv_table = data.get("tool", {}).get("uv", {})
    if isinstance(uv_table, dict) and (uv_table.get("sources") or uv_table.get("index")):
        # [project].dependencies alone would install a PyPI package of the same name in place of
        # a path, workspace or private-index source: only uv's resolution knows what they are.
        lock = path.parent / "uv.lock"
        if not lock.is_file():
            raise BuildError(f"{path} has [tool.uv.sources] or [tool.uv.index], which only uv resolves, "
                             "and no uv.lock beside it",
                             f"run `uv lock` in {path.parent} (shoehorn then installs what uv.lock pins)")
        return Requirements(_uv_export(lock, uv), f"{lock.name} (for {path.name}'s [tool.uv] sources)", path.parent)
    deps = project_dependencies(data, path)
    return Requirements(reqfile.normalise("\n".join(deps), path.parent), path.name, path.parent)


def project_dependencies(data: dict[str, Any], path: Path) -> list[str]:
    """[project].dependencies, checked: a list of PEP 508 strings."""
    project = data.get("project", {})
    deps = project.get("dependencies", []) if isinstance(project, dict) else []
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise ConfigError(f"[project].dependencies in {path} must be a list of strings, not {deps!r}",
                          'write it as a list of requirements, e.g. dependencies = ["flask>=3"]')
    return deps


def _uv_export(lock: Path, uv: str) -> str:
    # --frozen: use the lock as it is (never re-resolve); --no-emit-project: the app itself is
    # copied from its directory, not installed as a package; --no-editable: path and workspace
    # packages are installed into the zip, not linked to this disk. The hashes stay: uv checks
    # every hash a requirement carries, so a same-named package from another index fails.
    cmd = [uv, "export", "--frozen", "--no-dev", "--no-header", "--no-emit-project", "--no-editable",
           "--format", "requirements-txt"]
    done = subprocess.run(cmd, cwd=lock.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"`uv export` could not read {lock}: {done.stderr.strip()}",
                         "run `uv lock` in the app directory, or point `requirements` at a requirements file")
    return "".join(line + "\n" for line in _indexes(lock)) + reqfile.normalise(done.stdout, lock.parent)


def _indexes(lock: Path) -> list[str]:
    """Index options for the registries uv.lock took packages from, other than PyPI.

    `uv export` writes no index URLs (uv 0.13.9), and shoehorn runs uv without the project's
    config, so without these a package locked from a private index would be looked up on PyPI.
    uv asks an --extra-index-url before the default index, and with the first-index strategy
    takes a package only from the first index that has it. Observed with uv 0.13.9: an index
    that cannot be reached fails the install; one that answers 404 for a package sends uv on
    to PyPI, where the lock's hash (kept by _uv_export) rejects a different file.
    """
    packages = tomllib.loads(lock.read_text(encoding="utf-8")).get("package", [])
    registries = [p["source"]["registry"] for p in packages
                  if isinstance(p.get("source"), dict) and "registry" in p["source"]]
    # PyPI stays the default index even when the lock names none of its packages: a local
    # package's build backend (hatchling, setuptools) is fetched from it.
    private = dict.fromkeys(_registry_url(r, lock.parent) for r in registries if r not in _PYPI)
    return [f"--extra-index-url {url}" for url in private]


def _registry_url(registry: str, base: Path) -> str:
    return registry if "://" in registry else (base / registry).resolve().as_uri()  # a folder index
