"""Which files of the app directory go into the bundle (gitignore-style rules via pathspec).

Order of precedence: ``include`` (forces a file in, even a secret-looking one) over
``exclude`` / ``.gitignore`` / the defaults. Secret-looking files are never shipped unless
``include`` lists them, and the build says when it ships one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from shoehorn.config import Config

DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", ".venv/", "venv/", ".tox/", ".nox/", "__pycache__/", "*.pyc", "*.pyo",
    ".pytest_cache/", ".mypy_cache/", ".ruff_cache/", ".ipynb_checkpoints/", "node_modules/",
    "/.shoehorn/", ".DS_Store", "*.egg-info/", ".idea/", ".vscode/", "/shoehorn.toml",
)
SECRETS = (
    ".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".aws/",
    "*.p12", "*.pfx", ".netrc", ".pypirc", ".npmrc", ".ssh/",
)
# The files the bundle itself writes at its root; an app file with these names would be shadowed.
RESERVED = ("shoehorn_handler.py", "shoehorn/")


def _spec(lines: tuple[str, ...] | list[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


@dataclass(frozen=True, slots=True)
class Selection:
    files: tuple[str, ...]  # relative posix paths, sorted
    forced_secrets: tuple[str, ...]  # secret-looking files shipped because `include` lists them
    skipped_secrets: tuple[str, ...]  # secret-looking files left out


class _GitIgnores:
    """Every ``.gitignore`` met on the walk, each applying below its own folder, as git reads them:
    the deepest file with a matching pattern decides, so a nested ``!keep.log`` re-includes."""

    def __init__(self) -> None:
        self._layers: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def enter(self, folder: Path, prefix: str) -> None:
        gitignore = folder / ".gitignore"
        if gitignore.is_file():
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            self._layers.append((prefix, _spec(lines)))

    def ignores(self, rel: str) -> bool:
        decision = None
        for prefix, spec in self._layers:  # walk order: shallower folders first
            if rel.startswith(prefix):
                verdict = spec.check_file(rel[len(prefix):]).include
                if verdict is not None:
                    decision = verdict
        return bool(decision)


def select(config: Config) -> Selection:
    root = config.directory
    # Defaults and `exclude` always hold; .gitignore files cannot re-include what they drop.
    fixed = _spec(list(DEFAULT_EXCLUDES) + list(config.exclude))
    gitignores = _GitIgnores()
    secret = _spec(SECRETS)
    include = _spec(config.include)

    def ignored(rel: str) -> bool:
        return fixed.match_file(rel) or gitignores.ignores(rel)

    files, forced, skipped = [], [], []
    for current, dirs, names in os.walk(root):
        rel_dir = Path(current).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        gitignores.enter(Path(current), prefix)
        kept = []
        for name in sorted(dirs):
            rel = prefix + name + "/"
            if (Path(current, name) / "pyvenv.cfg").is_file():  # a virtualenv, whatever its name
                continue
            if include.match_file(rel) or _include_reaches(config.include, rel):
                kept.append(name)
            elif secret.match_file(rel):
                skipped.append(rel)
            elif not ignored(rel):
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            rel = prefix + name
            if not os.path.isfile(Path(current, name)):
                continue  # dangling symlinks, sockets
            if include.match_file(rel):
                files.append(rel)
                if secret.match_file(rel):
                    forced.append(rel)
            elif secret.match_file(rel):
                skipped.append(rel)
            elif not ignored(rel):
                files.append(rel)
    return Selection(tuple(sorted(files)), tuple(sorted(forced)), tuple(sorted(skipped)))


def _include_reaches(patterns: tuple[str, ...], rel_dir: str) -> bool:
    """Whether an anchored include pattern points inside ``rel_dir`` (so it must be walked)."""
    return any(p.lstrip("/").startswith(rel_dir) for p in patterns if "/" in p.rstrip("/"))
