"""A requirements file made self-contained: one text that installs the same from anywhere.

uv reads the text from a copy in the cache directory, and the text is the dependency cache's
key, so every line that points at the disk is rewritten here: ``-r``/``-c`` files are inlined,
local package paths become absolute and carry a digest of their files, find-links and index
paths become absolute, and editable installs become normal ones (an editable install in
``--target`` is a ``.pth`` file pointing at the developer's disk, with no module in the zip).

Relative paths are resolved as uv and pip resolve them: package paths from the working
directory (the top file's folder, where uv runs), nested ``-r`` files and find-links paths
from the folder of the file that names them.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from shoehorn.errors import BuildError

# Never part of a local package's content: VCS data, caches, build output (ours included).
_SKIP_PARTS = frozenset({".git", "__pycache__", "build", "dist", ".venv", "node_modules", ".shoehorn"})
# Appended to a line whose files are on this disk: the cache key changes when they do.
TREE_DIGEST = "# tree-sha256="
FILES_DIGEST = "# files-sha256="
# pip's auto_decode: a byte-order mark names the encoding (UTF-32 before UTF-16: its LE mark
# starts with UTF-16's). PowerShell 5's `pip freeze > requirements.txt` writes UTF-16 LE.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# pip: a comment starts at "#" at the line start or after whitespace ("./x#egg=y" is no comment).
_COMMENT = re.compile(r"(^|\s+)#.*$")
# "name[extras] @ target" (PEP 508 direct reference).
_NAMED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*(?:\s*\[[^\]]*\])?)\s*@\s*(?P<target>\S+)$")
# A per-requirement tail that is not part of the location: a marker or options like --hash.
_TAIL = re.compile(r"\s+(?:;|--?[A-Za-z])")


def read(path: Path) -> str:
    """The text of a requirements file, decoded as pip decodes it."""
    data = path.read_bytes()
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path} is not {encoding.upper()} text: {exc.reason} at byte {exc.start}",
                         f"save {path.name} as UTF-8 (PowerShell: `pip freeze | Out-File -Encoding utf8 "
                         f"{path.name}`)") from None


def expand(path: Path) -> str:
    """``path`` (a requirements file) as self-contained text; its folder is uv's working directory."""
    return _expand(path, path.parent, set())


def normalise(text: str, cwd: Path) -> str:
    """Requirement lines not read from a file (``uv export``, [project].dependencies), made self-contained."""
    return "".join(_line(line, cwd, cwd) + "\n" for line in _logical_lines(text) if line)


def _expand(path: Path, cwd: Path, seen: set[Path]) -> str:
    if path in seen:
        return ""
    seen.add(path)
    out = []
    for line in _logical_lines(read(path)):
        if not line:
            continue
        for short, long in (("-r", "--requirement"), ("-c", "--constraint")):
            value = _option(line, short, long)
            if value is None:
                continue
            if "://" in value:  # a URL: uv fetches it
                out.append(line + "\n")
                break
            nested = (path.parent / value).resolve()  # pip and uv: relative to the including file
            if not nested.is_file():
                raise BuildError(f"{path.name} includes {nested}, which does not exist",
                                 f"fix the `{line}` line in {path}")
            if short == "-c":
                # uv reads the constraints itself; their digest keeps the cache key honest.
                digest = hashlib.sha256(nested.read_bytes()).hexdigest()
                out.append(f"-c {nested}  # sha256={digest}\n")
            else:
                out.append(_expand(nested, cwd, seen))
            break
        else:
            out.append(_line(line, cwd, path.parent) + "\n")
    return "".join(out)


def _logical_lines(text: str) -> list[str]:
    """pip's preprocessing: lines ending in a backslash joined, comments dropped, whitespace trimmed."""
    lines, pending = [], ""
    for raw in text.splitlines():
        if raw.rstrip().endswith("\\") and not raw.lstrip().startswith("#"):
            pending += raw.rstrip()[:-1] + " "
            continue
        lines.append(_COMMENT.sub("", pending + raw).strip())
        pending = ""
    if pending:
        lines.append(_COMMENT.sub("", pending).strip())
    return [" ".join(line.split()) for line in lines]


def _option(line: str, short: str | None, long: str) -> str | None:
    """The value of ``line`` if it is the option: ``-x v``, ``-xv``, ``--long v`` or ``--long=v``."""
    for flag in (long, short):
        if flag is None or not line.startswith(flag):
            continue
        rest = line[len(flag):]
        if flag == long and not rest[:1] in ("=", " "):
            continue  # e.g. --requirements-foo
        value = rest.lstrip(" =") if flag == long else rest.strip()
        if value:
            return value
    return None


def _line(line: str, cwd: Path, file_dir: Path) -> str:
    editable = _option(line, "-e", "--editable")
    if editable is not None:
        line = editable  # installed as a normal package: the zip gets its files
    for short, long in (("-f", "--find-links"), ("-i", "--index-url"), (None, "--extra-index-url")):
        value = _option(line, short, long)
        if value is not None:
            return _location_option(long, value, cwd, file_dir)
    if line.startswith("-"):
        return line  # --no-index, --pre, --only-binary ...: the same wherever it is read
    return _requirement(line, cwd)


def _location_option(option: str, value: str, cwd: Path, file_dir: Path) -> str:
    if "://" in value and not value.startswith("file:"):
        return f"{option} {value}"
    raw = _path_of_file_url(value) if value.startswith("file:") else value
    # pip: relative to the file naming it if it exists there, else to the working directory; uv
    # reads it relative to that file (and fails, "relative URL without a base", if it is not there).
    path = next((p for p in (file_dir / raw, cwd / raw) if p.exists()), cwd / raw).resolve()
    if option != "--find-links":
        return f"{option} {path.as_uri()}"  # an index is a URL; a folder on disk is a file: one
    if not path.exists():
        return f"{option} {path}"  # uv reports it
    # A wheel added to or replaced in the folder must miss the cache, though no line changes.
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        stat = file.stat()
        digest.update(f"{file.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return f"{option} {path}  {FILES_DIGEST}{digest.hexdigest()}"


def _requirement(line: str, cwd: Path) -> str:
    """A local path requirement, in any spelling, as an absolute path with its files' digest."""
    tail_at = _TAIL.search(line)
    spec, tail = (line[:tail_at.start()], line[tail_at.start():]) if tail_at else (line, "")
    named = _NAMED.match(spec)
    target = named["target"] if named else spec
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    extras = ""
    if target.startswith("file:"):
        raw = _path_of_file_url(target)
    elif "://" in target or not (target.startswith((".", "/")) or ("/" in target and (cwd / target).exists())):
        return line  # a name, a remote URL or a VCS link
    else:
        raw = target
        if not named and raw.endswith("]") and "[" in raw:  # pip's "./path[extra]"
            raw, extras = raw[:raw.index("[")], raw[raw.index("["):]
    local = (cwd / raw).resolve()
    if not local.exists():
        return line  # uv reports it with its own message
    if named:
        located = f"{named['name']} @ {local.as_uri()}{fragment}"
    elif target.startswith("file:"):
        located = f"{local.as_uri()}{fragment}"
    else:
        located = f"{local}{extras}{fragment}"
    return f"{located}{tail}  {TREE_DIGEST}{tree_digest(local)}"


def _path_of_file_url(url: str) -> str:
    """``file:///abs``, ``file://localhost/abs`` -> ``/abs``; ``file:rel`` -> ``rel``."""
    parts = urlsplit(url)
    return unquote(parts.path) if parts.netloc in ("", "localhost") else unquote(url.removeprefix("file:"))


def tree_digest(local: Path) -> str:
    """A digest of a local package's files (names and contents)."""
    digest = hashlib.sha256()
    files = [local] if local.is_file() else sorted(
        p for p in local.rglob("*") if p.is_file() and not _SKIP_PARTS & set(p.relative_to(local).parts))
    for file in files:
        digest.update(file.relative_to(local.parent).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()
