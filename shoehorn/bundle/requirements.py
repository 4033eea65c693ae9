"""What to install: the requirement lines for the bundle, from whichever source the config names."""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from shoehorn.bundle import reqfile
from shoehorn.config import Config
from shoehorn.errors import BuildError, ConfigError

if TYPE_CHECKING:
    from shoehorn.bundle.install import Target

# A lock's registry for packages from PyPI itself; any other registry is passed to uv by name.
_PYPI = ("https://pypi.org/simple", "https://pypi.org/simple/")
# A line of `uv export` naming a registry package by its version, maybe with a marker after it.
_PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?==(?P<version>[^\s;\\]+)"
                     r"(?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class Requirements:
    text: str  # requirements.txt syntax; "" means no dependencies
    source: str  # for messages, e.g. "requirements.txt"
    directory: Path  # uv's working directory (every local path in ``text`` is absolute already)
    # ``text`` is a whole resolution (a uv.lock's export: every package, pinned), installed as it is, as `uv sync`
    # would: resolved again, its packages' own requirements would bring back what the lock leaves out (a
    # dependency dropped by [tool.uv] override-dependencies)
    complete: bool = False

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


def resolve(config: Config, uv: str, target: Target | None = None) -> Requirements:
    """The requirement lines of the app (never includes the app itself).

    ``target`` (by default the config's runtime and architecture) picks the file of a package
    that uv.lock took without a hash from a registry other than PyPI: see _by_url.
    """
    path, kind = config.requirements, config.requirements_kind
    if path is None or kind == "none":
        return Requirements("", "no requirements", config.directory)
    if target is None:
        from shoehorn.bundle.install import Target  # install imports this module

        target = Target(config.runtime, config.architecture)
    if kind == "pyproject":
        return _from_pyproject(path, uv, target)
    if kind == "uv.lock":
        return Requirements(_uv_export(path, uv, target), path.name, path.parent, complete=True)
    return Requirements(reqfile.expand(path), path.name, path.parent)


def _from_pyproject(path: Path, uv: str, target: Target) -> Requirements:
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
        return Requirements(_uv_export(lock, uv, target), f"{lock.name} (for {path.name}'s [tool.uv] sources)",
                            path.parent, complete=True)
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


def _uv_export(lock: Path, uv: str, target: Target) -> str:
    # --frozen: use the lock as it is (never re-resolve); --no-emit-project: the app itself is
    # copied from its directory, not installed as a package; --no-editable: path and workspace
    # packages are installed into the zip, not linked to this disk. The hashes stay: uv checks
    # every hash a requirement carries, so a same-named package from another index fails; a
    # private package the lock has no hash for is named by its file's URL instead (_by_url).
    cmd = [uv, "export", "--frozen", "--no-dev", "--no-header", "--no-emit-project", "--no-editable",
           "--format", "requirements-txt"]
    done = subprocess.run(cmd, cwd=lock.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"`uv export` could not read {lock}: {done.stderr.strip()}",
                         "run `uv lock` in the app directory, or point `requirements` at a requirements file")
    packages = tomllib.loads(lock.read_text(encoding="utf-8")).get("package", [])
    exported = _by_url(done.stdout, packages, lock, target)
    return "".join(line + "\n" for line in _indexes(packages, lock.parent)) + reqfile.normalise(exported, lock.parent)


def _indexes(packages: list[dict[str, Any]], base: Path) -> list[str]:
    """Index options for the registries uv.lock took packages from, other than PyPI.

    `uv export` writes no index URLs (uv 0.13.9), and shoehorn runs uv without the project's
    config, so without these a package locked from a private index would be looked up on PyPI.
    uv asks an --extra-index-url before the default index, and with the first-index strategy
    takes a package only from the first index that has it. Observed with uv 0.13.9: an index
    that cannot be reached fails the install; one that answers 404 for a package sends uv on
    to PyPI, where the lock's hash (kept by _uv_export) rejects a different file; a package
    without a hash is not looked up by name at all (_by_url).
    """
    registries = [_registry(p) for p in packages]
    # PyPI stays the default index even when the lock names none of its packages: a local
    # package's build backend (hatchling, setuptools) is fetched from it.
    private = dict.fromkeys(_registry_url(r, base) for r in registries if r is not None and r not in _PYPI)
    return [f"--extra-index-url {url}" for url in private]


def _by_url(exported: str, packages: list[dict[str, Any]], lock: Path, target: Target) -> str:
    """``exported`` with each package locked from a registry other than PyPI, and without any
    hash, named by the URL of its file in the lock (``name @ url``) instead of by its version.

    Some private registries publish no hashes, and a requirement without one is looked up by
    name: when the private index answers 404 for it, uv asks PyPI next and installs whatever is
    published there under that name (dependency confusion). A URL is fetched from that index
    or not at all. ``target`` picks the wheel, as uv would pick it from the index.
    """
    unhashed = {(_canonical(p["name"]), p.get("version")): p for p in packages
                if _registry(p) not in (None, *_PYPI) and not _hashed(p)}
    if not unhashed:
        return exported
    lines = []
    for line in exported.splitlines():
        found = _PINNED.match(line)
        package = found and unhashed.get((_canonical(found["name"]), found["version"]))
        if package:
            line = f"{found['name']}{found['extras'] or ''} @ {_file_url(package, lock, target)}{found['rest']}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _file_url(package: dict[str, Any], lock: Path, target: Target) -> str:
    """The URL of the lock's wheel of ``package`` that fits ``target`` best, else of its sdist."""
    name, version, registry = package["name"], package.get("version"), _registry(package)
    wheels = [w for w in package.get("wheels", []) if isinstance(w, dict)]
    ranked = [(rank, -i, w) for i, w in enumerate(wheels) if (rank := target.wheel_rank(_filename(w))) is not None]
    artifact = max(ranked, key=lambda r: r[:2])[2] if ranked else package.get("sdist")
    if isinstance(artifact, dict):
        if "url" in artifact:
            return artifact["url"]
        if "path" in artifact:  # relative to the registry
            if "://" in registry:
                return urljoin(registry.rstrip("/") + "/", artifact["path"])
            return (lock.parent / registry / artifact["path"]).resolve().as_uri()
    shown = ", ".join(_filename(w) for w in wheels) or "no files"
    raise BuildError(f"{lock} locks {name} {version} from {registry} without a hash, and none of its files there "
                     f"({shown}) installs on Lambda ({target.uv_platform}, Python {target.python_version})",
                     f"publish a pure-Python or manylinux {target.architecture} wheel (or an sdist) of {name} to "
                     f"that index and run `uv lock --refresh-package {name}`, or vendor a wheel with `--find-links`")


def _registry(package: dict[str, Any]) -> str | None:
    source = package.get("source")
    return source.get("registry") if isinstance(source, dict) else None


def _hashed(package: dict[str, Any]) -> bool:
    files = [package.get("sdist"), *package.get("wheels", [])]
    return any(isinstance(f, dict) and f.get("hash") for f in files)


def _filename(artifact: dict[str, Any]) -> str:
    where = artifact.get("url") or artifact.get("path") or artifact.get("filename") or ""
    return unquote(urlsplit(where).path.rsplit("/", 1)[-1])


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _registry_url(registry: str, base: Path) -> str:
    return registry if "://" in registry else (base / registry).resolve().as_uri()  # a folder index
