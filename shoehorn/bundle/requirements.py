"""What to install: the requirement lines for the bundle, from whichever source the config names."""

from __future__ import annotations

import hashlib
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from shoehorn.config import Config
from shoehorn.errors import BuildError


# Never part of a local package's content: VCS data, caches, build output.
_SKIP_PARTS = frozenset({".git", "__pycache__", "build", "dist", ".venv", "node_modules"})


@dataclass(frozen=True, slots=True)
class Requirements:
    text: str  # requirements.txt syntax; "" means no dependencies
    source: str  # for messages, e.g. "requirements.txt"
    directory: Path  # relative paths in ``text`` are resolved from here

    @property
    def has_local_paths(self) -> bool:
        return "# tree-sha256=" in self.text

    @property
    def empty(self) -> bool:
        return not any(line.strip() and not line.lstrip().startswith("#") for line in self.text.splitlines())


def resolve(config: Config, uv: str) -> Requirements:
    """The requirement lines of the app (never includes the app itself)."""
    path, kind = config.requirements, config.requirements_kind
    if path is None or kind == "none":
        return Requirements("", "no requirements", config.directory)
    if kind == "pyproject":
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
        deps = project.get("dependencies", [])
        return Requirements("\n".join(deps) + "\n" if deps else "", path.name, path.parent)
    if kind == "uv.lock":
        return Requirements(_uv_export(path, uv), path.name, path.parent)
    return Requirements(_expand(path, set()), path.name, path.parent)


def _expand(path: Path, seen: set[Path]) -> str:
    """requirements.txt with ``-r``/``-c`` files inlined, so the cache key covers them all."""
    if path in seen:
        return ""
    seen.add(path)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        for flag in ("-r ", "--requirement ", "-c ", "--constraint "):
            if stripped.startswith(flag):
                nested = (path.parent / stripped[len(flag):].strip()).resolve()
                if not nested.is_file():
                    raise BuildError(f"{path.name} includes {nested}, which does not exist",
                                     f"fix the `{stripped}` line in {path}")
                if flag.startswith(("-c", "--c")):
                    # uv reads the constraints itself; their digest keeps the cache key honest.
                    digest = hashlib.sha256(nested.read_bytes()).hexdigest()
                    out.append(f"-c {nested}  # sha256={digest}")
                    break
                out.append(_expand(nested, seen))
                break
        else:
            out.append(_with_tree_digest(line, path.parent))
    return "\n".join(out) + "\n"


def _with_tree_digest(line: str, base: Path) -> str:
    """A local path requirement gets its files' digest appended, so editing them misses the cache."""
    spec = line.strip().removeprefix("-e ").removeprefix("--editable ").strip()
    if spec.startswith("file:"):
        spec = spec.removeprefix("file://").removeprefix("file:")
    if not spec.startswith((".", "/")):
        return line
    local = (base / spec.split("#", 1)[0].strip()).resolve()
    if not local.exists():
        return line  # uv reports it with its own message
    digest = hashlib.sha256()
    files = [local] if local.is_file() else sorted(
        p for p in local.rglob("*") if p.is_file() and not _SKIP_PARTS & set(p.relative_to(local).parts))
    for file in files:
        digest.update(file.relative_to(local.parent).as_posix().encode() + b"\0" + file.read_bytes())
    return f"{line}  # tree-sha256={digest.hexdigest()}"


def _uv_export(lock: Path, uv: str) -> str:
    # --frozen: use the lock as it is (never re-resolve); --no-emit-project: the app itself is
    # copied from its directory, not installed as a package.
    cmd = [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-header", "--no-emit-project",
           "--format", "requirements-txt"]
    done = subprocess.run(cmd, cwd=lock.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"`uv export` could not read {lock}: {done.stderr.strip()}",
                         "run `uv lock` in the app directory, or point `requirements` at a requirements file")
    return done.stdout
