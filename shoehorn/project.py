"""Which project an app is deployed from, the same on every clone: its git remote and its folder in the repository.

``up`` tags the function with it (``shoehorn:project``), so when the app's ``name`` changes (in
shoehorn.toml, or the folder's name it defaults to) the stack deployed under the old name can be
found by asking AWS which functions of this project carry another app name (deploy/renamed.py).
A teammate's clone or a CI checkout computes the same value, where a record kept on this machine
(the .shoehorn/ folder: build output, git-ignored, deleted by ``shoehorn clean``) would not.

Read from the repository's files, never by running git: no git program is needed, and git's
refusal of a checkout owned by another user (a CI container) does not matter. Without a
repository or a remote there is no value: no tag is written and nothing is looked up.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

TAG = "shoehorn:project"

_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_URL = re.compile(r"\s*url\s*=\s*(.*?)\s*$", re.IGNORECASE)


def project_id(directory: Path) -> str | None:
    """A short digest of the normalised remote URL and the app's folder within the work tree."""
    found = _work_tree(directory)
    if found is None:
        return None
    top, git_dir = found
    remote = _remote_url(git_dir)
    if not remote:
        return None
    folder = directory.resolve().relative_to(top).as_posix()
    folder = "" if folder == "." else folder
    return hashlib.sha256(f"{normalised(remote)}\n{folder}".encode()).hexdigest()[:16]


def normalised(url: str) -> str:
    """``git@github.com:Owner/Repo.git``, ``https://user:token@github.com/owner/repo`` and
    ``ssh://git@github.com:22/owner/repo/`` all give ``github.com/owner/repo``: the same
    repository, however this clone names it (and never a credential)."""
    url = url.strip()
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", url)
    if scheme:
        rest = url[scheme.end():]
        host, _, path = rest.partition("/")
        host = host.rsplit("@", 1)[-1].split(":", 1)[0] if not host.startswith("[") else host
        url = f"{host}/{path}" if host else path  # file:///srv/repo.git: the path
    elif re.match(r"[^/]+:", url) and not re.match(r"[A-Za-z]:[\\/]", url):  # scp-like user@host:path
        host, _, path = url.partition(":")
        url = f"{host.rsplit('@', 1)[-1]}/{path}"
    url = url.rstrip("/")
    url = url.removesuffix(".git").rstrip("/")
    return url.lower()


def _work_tree(directory: Path) -> tuple[Path, Path] | None:
    """(the work tree's top, its git directory), looking from ``directory`` upwards."""
    for folder in (directory.resolve(), *directory.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return folder, dot_git
        if dot_git.is_file():  # a linked worktree or a submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            match = re.match(r"gitdir:\s*(.+?)\s*$", text.strip().splitlines()[0] if text.strip() else "")
            if not match:
                return None
            return folder, (folder / match.group(1)).resolve()
    return None


def _remote_url(git_dir: Path) -> str | None:
    """The ``origin`` remote's URL (or the only remote's) from the repository's config file; a linked
    worktree reads the config of the repository it belongs to (its ``commondir``)."""
    common = git_dir
    try:
        pointer = (git_dir / "commondir").read_text(encoding="utf-8").strip()
        common = (git_dir / pointer).resolve()
    except OSError:
        pass
    try:
        text = (common / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    urls: dict[str, str] = {}
    section: tuple[str, str | None] = ("", None)
    for line in text.splitlines():
        head = _SECTION.match(line)
        if head:
            section = (head.group(1).lower(), head.group(2))
            continue
        value = _URL.match(line)
        if value and section[0] == "remote" and section[1] is not None and section[1] not in urls:
            urls[section[1]] = value.group(1).strip('"')
    if "origin" in urls:
        return urls["origin"]
    return next(iter(urls.values())) if len(urls) == 1 else None
