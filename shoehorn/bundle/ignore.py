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


def select(config: Config) -> Selection:
    root = config.directory
    gitignore = root / ".gitignore"
    ignored = _spec(list(DEFAULT_EXCLUDES) + (gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
                                               if gitignore.is_file() else []) + list(config.exclude))
    secret = _spec(SECRETS)
    include = _spec(config.include)
    files, forced, skipped = [], [], []
    for current, dirs, names in os.walk(root):
        rel_dir = Path(current).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        kept = []
        for name in sorted(dirs):
            rel = prefix + name + "/"
            if (Path(current, name) / "pyvenv.cfg").is_file():  # a virtualenv, whatever its name
                continue
            if include.match_file(rel) or _include_reaches(config.include, rel):
                kept.append(name)
            elif secret.match_file(rel):
                skipped.append(rel)
            elif not ignored.match_file(rel):
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
            elif not ignored.match_file(rel):
                files.append(rel)
    return Selection(tuple(sorted(files)), tuple(sorted(forced)), tuple(sorted(skipped)))


def _include_reaches(patterns: tuple[str, ...], rel_dir: str) -> bool:
    """Whether an anchored include pattern points inside ``rel_dir`` (so it must be walked)."""
    return any(p.lstrip("/").startswith(rel_dir) for p in patterns if "/" in p.rstrip("/"))
