"""Which files of the app directory go into the bundle (gitignore-style rules via pathspec).

Order of precedence: ``include`` (forces a file in, even a secret-looking one) over
``exclude`` / ``.gitignore`` / the defaults. Secret-looking files, local databases and the
app's tests, docs and CI files are left out by default and the build lists them in one line,
with what .gitignore files left out; ``include`` takes one back, and the build says when it
ships a secret-looking one. A symlink is followed only to a file or folder inside the app
directory that is itself selected: a linked folder ships its selected files under the link's name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pathspec

from shoehorn.config import Config

DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", ".venv/", "venv/", ".tox/", ".nox/", "__pycache__/", "*.pyc", "*.pyo",
    ".pytest_cache/", ".mypy_cache/", ".ruff_cache/", ".ipynb_checkpoints/", "node_modules/",
    "/.shoehorn/", ".DS_Store", "*.egg-info/", ".idea/", ".vscode/", "/shoehorn.toml", "*.log",
    "/shoehorn.toml.bak",  # what `init --force` replaced: settings, never app code
)
SECRETS = (
    ".env", ".env.*", ".envrc", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.ppk",
    ".aws/", ".ssh/", ".docker/", ".kube/", ".gnupg/", "*.p12", "*.pfx", "*.jks", "*.keystore",
    ".netrc", ".pypirc", ".npmrc", ".pgpass", ".git-credentials", ".s3cfg", ".boto", ".htpasswd",
    "credentials", "*_credentials", "*-credentials", "credentials.json", "*credentials*.json", "secrets.json",
    "secrets.y*ml", "service-account*.json", "*.tfstate", "*.tfstate.*", "*.tfvars", "*.tfvars.json",
)
DATABASES = ("*.sqlite", "*.sqlite3", "*.sqlite-*", "*.sqlite3-*", "*.db", "*.db-journal")
# The app's tests, docs and CI: never imported by a running app. Only the top-level docs/: a
# templates/docs/ folder is content.
DEV_ONLY = (
    "tests/", "test_*.py", "*_test.py", "conftest.py", "/docs/", ".github/", ".gitlab-ci.yml", ".gitlab/",
    ".circleci/", ".travis.yml", "azure-pipelines.yml", ".buildkite/", "Jenkinsfile", ".pre-commit-config.yaml",
    # container builds: Lambda runs the zip, never these
    "Dockerfile", "*.Dockerfile", ".dockerignore", "docker-compose.y*ml", "compose.y*ml",
)
# The files the bundle itself writes at its root; an app file with these names would be shadowed.
RESERVED = ("shoehorn_handler.py", "shoehorn/")


def _spec(lines: tuple[str, ...] | list[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


def invalid_pattern(pattern: str) -> str | None:
    """Why ``pattern`` is not a gitignore pattern (e.g. a lone "!", a trailing backslash, the
    range "[z-a]"), or None when it is one."""
    try:
        _spec([pattern])
    except (ValueError, re.error) as error:  # pathspec's GitIgnorePatternError is a ValueError
        return str(error)
    return None


@dataclass(frozen=True, slots=True)
class Selection:
    files: tuple[str, ...]  # relative posix paths, sorted
    forced_secrets: tuple[str, ...]  # secret-looking files shipped because `include` lists them
    skipped_secrets: tuple[str, ...]  # secret-looking files left out
    skipped_databases: tuple[str, ...] = ()  # local database files left out
    skipped_dev: tuple[str, ...] = ()  # tests, docs and CI files (or folders) left out
    skipped_links: tuple[str, ...] = ()  # symlinks pointing out of the app or at something left out
    skipped_gitignored: tuple[str, ...] = ()  # files and folders only a .gitignore left out

    def left_out(self) -> str | None:
        """The one line the build prints about what the defaults and .gitignore files kept out, or None."""
        parts = [_listed(len(names), what, names) for names, what in (
            (self.skipped_secrets, "secret-looking"), (self.skipped_databases, "local database"),
            (self.skipped_dev, "tests/docs/CI"), (self.skipped_links, "symlink out of the app or to a left-out path"),
            (self.skipped_gitignored, "in .gitignore"),
        ) if names]
        if not parts:
            return None
        return ("left out: " + "; ".join(parts)
                + " (list a path in `include` in shoehorn.toml to ship it on purpose)")

    def left_out_news(self, record: Path) -> str | None:
        """``left_out()`` when it differs from what the last build of this app said (kept in
        ``record``), else None: the same line on every build was noise, a change is news."""
        line = self.left_out()
        try:
            last = record.read_text()
        except OSError:
            last = None
        if (line or "") == (last or ""):
            return None
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(line or "")
        except OSError:
            pass  # unwritable: the line is said again next time
        return line

    def left_out_paths(self) -> tuple[str, ...]:
        """Every path the build left out that the app might still need (folders end with "/")."""
        return (self.skipped_secrets + self.skipped_databases + self.skipped_dev + self.skipped_links
                + self.skipped_gitignored)


def _listed(count: int, what: str, names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:3]) + (f", +{count - 3} more" if count > 3 else "")
    return f"{count} {what} ({shown})"


class _GitIgnores:
    """Every ``.gitignore`` met on the walk, each applying below its own folder, as git reads them:
    the deepest file with a matching pattern decides, so a nested ``!keep.log`` re-includes."""

    def __init__(self) -> None:
        self._layers: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def enter(self, folder: Path, prefix: str) -> None:
        gitignore = folder / ".gitignore"
        if gitignore.is_file():
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            try:
                spec = _spec(lines)
            except (ValueError, re.error):
                # git skips a line it cannot read as a pattern and applies the others; so does the build
                spec = _spec([line for line in lines if invalid_pattern(line) is None])
            self._layers.append((prefix, spec))

    def ignores(self, rel: str) -> bool:
        decision = None
        for prefix, spec in self._layers:  # walk order: shallower folders first
            if rel.startswith(prefix):
                verdict = spec.check_file(rel[len(prefix):]).include
                if verdict is not None:
                    decision = verdict
        return bool(decision)


def select(config: Config, build_inputs: tuple[str, ...] = ()) -> Selection:
    """``build_inputs``: folders (relative, ending in "/") the build reads to install the dependencies,
    e.g. a --find-links folder of wheels: installed already, never shipped as app files."""
    root = config.directory
    # Defaults and `exclude` always hold; .gitignore files cannot re-include what they drop.
    fixed = _spec(list(DEFAULT_EXCLUDES) + list(config.exclude) + ["/" + folder for folder in build_inputs])
    gitignores = _GitIgnores()
    secret, database, dev_only = _spec(SECRETS), _spec(DATABASES), _spec(DEV_ONLY)
    # A folder is secret-looking only by a folder pattern (.aws/): a package named `credentials/` is code.
    secret_folder = _spec([p for p in SECRETS if p.endswith("/")])
    include = _spec(config.include)

    def ignored(rel: str) -> bool:
        if fixed.match_file(rel):
            return True
        if gitignores.ignores(rel):
            gitignored.append(rel)
            return True
        return False

    def left_by_default(rel: str) -> bool:
        """Databases and tests/docs/CI: reported only when nothing else (exclude, .gitignore) dropped them."""
        if ignored(rel):
            return True
        for spec, bucket in ((database, databases), (dev_only, dev)):
            if spec.match_file(rel):
                bucket.append(rel)
                return True
        return False

    files, forced, skipped, databases, dev, links, gitignored = [], [], [], [], [], [], []
    linked_dirs = []  # (link, target) relative to the app directory
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
            elif secret_folder.match_file(rel):
                skipped.append(rel)
            elif not left_by_default(rel):
                kept.append(name)
        # a linked folder is not walked (os.walk does not follow it): its target's files are, where it lives
        linked_dirs += [(prefix + name, _link_target(root, prefix + name)) for name in kept
                        if os.path.islink(Path(current, name))]
        dirs[:] = [name for name in kept if not os.path.islink(Path(current, name))]
        for name in sorted(names):
            rel = prefix + name
            if not os.path.isfile(Path(current, name)):
                continue  # dangling symlinks, sockets
            # A file by its own name: folders were judged on the way down (see secret_folder).
            if include.match_file(rel):
                files.append(rel)
                if secret.match_file(name):
                    forced.append(rel)
            elif secret.match_file(name):
                skipped.append(rel)
            elif not left_by_default(rel):
                files.append(rel)
    chosen = set(files)
    for rel in [f for f in files if os.path.islink(root / f)]:
        if _link_target(root, rel) not in chosen:  # outside the app, or at a file left out: never shipped
            files.remove(rel)
            links.append(rel)
    shipped = tuple(files)
    for link, target in linked_dirs:
        # the target's selected files, under the link's name; never a folder out of the app, nor one
        # holding the link (a loop), nor one whose files were all left out
        inside = [] if target is None or (link + "/").startswith(target + "/") or target == "." else [
            link + f[len(target):] for f in shipped if f.startswith(target + "/")]
        if inside:
            files += inside
        else:
            links.append(link + "/")
    return Selection(tuple(sorted(files)), tuple(sorted(forced)), tuple(sorted(skipped)), tuple(sorted(databases)),
                     tuple(sorted(dev)), tuple(sorted(links)), tuple(sorted(gitignored)))


def _link_target(root: Path, rel: str) -> str | None:
    """The selected-file name a symlink resolves to, or None when it leads out of the app directory."""
    target = (root / rel).resolve()
    try:
        return target.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _include_reaches(patterns: tuple[str, ...], rel_dir: str) -> bool:
    """Whether an anchored include pattern points inside ``rel_dir`` (so it must be walked)."""
    return any(p.lstrip("/").startswith(rel_dir) for p in patterns if "/" in p.rstrip("/"))
