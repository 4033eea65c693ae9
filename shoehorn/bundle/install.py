"""Install the app's dependencies for Lambda's platform with uv, cached.

Wheels are resolved for manylinux on the target architecture and Python, so a laptop on
any OS builds what Lambda runs, without Docker. The result is cached under the user cache
dir keyed by (requirements, runtime, architecture, uv version): an unchanged rebuild does
not touch the network.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle import bytecode, tags, zipper
from shoehorn.bundle.requirements import Requirements
from shoehorn.errors import BuildError

# Bump when the layout of a cache entry changes, so old entries are not reused.
_CACHE_FORMAT = "5"
# The dependencies, zipped once per cache entry: builds copy these compressed members as they
# are instead of compressing thousands of files again on every build.
DEPS_ZIP = ".deps.zip"
DEPS_CONTENT = ".deps.content"  # zipper.content_digest of DEPS_ZIP's files
# Lambda's python3.10/3.11 run on Amazon Linux 2 (glibc 2.26), python3.12+ on Amazon Linux
# 2023 (glibc 2.34) ("Lambda runtimes" page). uv has no 2_26 target, so AL2 gets 2_17.
_GLIBC = {"python3.10": "manylinux2014", "python3.11": "manylinux2014"}
_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}
# A manylinux platform tag: its glibc (PEP 600, or the legacy names of PEP 513/571/599) and CPU.
_MANYLINUX = re.compile(r"^manylinux(?:_(\d+)_(\d+)|(1|2010|2014))(?:_(?P<arch>.+))?$")
_LEGACY_GLIBC = {"1": (2, 5), "2010": (2, 12), "2014": (2, 17)}
# uv's ways of saying "only a source distribution would do".
_NEEDS_SOURCE = re.compile(r"wheel|binary|source distribution|--no-build", re.IGNORECASE)
_PATH = re.compile(r"\S*[/\\]\S*")
# uv names the package it could not install in messages like these.
_NO_WHEEL = re.compile(r"(?:Because|because) (?:only )?([A-Za-z0-9_.\-]+)[^\n]*?(?:has no (?:usable )?wheels?|"
                       r"no wheels with a matching)|(?:Failed to (?:build|download)|attempted to build)[^`]*`([A-Za-z0-9_.\-]+)")


@dataclass(frozen=True, slots=True)
class Target:
    runtime: str  # "python3.11"
    architecture: str  # "x86_64" | "arm64"

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def uv_platform(self) -> str:
        return f"{_ARCH[self.architecture]}-{_GLIBC.get(self.runtime, 'manylinux_2_34')}"

    def wheel_rank(self, filename: str) -> tuple[int, int, tuple[int, int]] | None:
        """How closely a wheel's tags fit this target (a larger rank is closer, as uv and pip
        prefer CPython's own ABI, then abi3, then none, a platform wheel over a pure one, and
        a newer glibc), or None if uv would not install it here."""
        parts = filename.removesuffix(".whl").split("-")
        if len(parts) < 5:
            return None
        minor = int(self.python_version.split(".")[1])
        glibc_max = _glibc_of(_GLIBC.get(self.runtime, "manylinux_2_34"))[0]
        ranks = []
        for python, abi, platform in itertools.product(*(tag.split(".") for tag in parts[-3:])):
            python_version = re.fullmatch(r"(cp|py)3(\d*)", python)
            if not python_version:
                continue
            older = python_version[2] == "" or int(python_version[2]) <= minor
            same = python == f"cp3{minor}"
            if abi == f"cp3{minor}" and same:
                abi_rank = 3
            elif abi == "abi3" and python_version[1] == "cp" and older:
                abi_rank = 2
            elif abi == "none" and (same or (python_version[1] == "py" and older)):
                abi_rank = 1
            else:
                continue
            if platform == "any":
                ranks.append((abi_rank, 0, (0, 0)))
                continue
            glibc, arch = _glibc_of(platform)
            if glibc is not None and arch == _ARCH[self.architecture] and glibc <= glibc_max:
                ranks.append((abi_rank, 1, glibc))
        return max(ranks, default=None)


def _glibc_of(platform: str) -> tuple[tuple[int, int] | None, str | None]:
    """``manylinux_2_28_aarch64`` -> ((2, 28), "aarch64"); ``manylinux2014`` -> ((2, 17), None)."""
    match = _MANYLINUX.match(platform)
    if not match:
        return None, None
    glibc = _LEGACY_GLIBC[match[3]] if match[3] else (int(match[1]), int(match[2]))
    return glibc, match["arch"]


def cache_root() -> Path:
    """``$SHOEHORN_CACHE_DIR``, else ``$XDG_CACHE_HOME/shoehorn``, else ``~/.cache/shoehorn``."""
    if os.environ.get("SHOEHORN_CACHE_DIR"):
        return Path(os.environ["SHOEHORN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "shoehorn"


def uv_binary() -> str:
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found:
            return found
    raise BuildError("uv is not installed; shoehorn uses it to install Lambda-platform wheels",
                     "pip install uv")


def uv_version(uv: str) -> str:
    return subprocess.run([uv, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def cache_key(requirements: Requirements, target: Target, uv_version: str, compiler: str | None) -> str:
    parts = [_CACHE_FORMAT, requirements.text, target.runtime, target.architecture, uv_version,
             str(compiler is not None), (sys.version if compiler == sys.executable else compiler) or ""]
    if requirements.complete:  # the same lines install fewer packages: another entry (others keep their keys)
        parts.append("--no-deps")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def install(requirements: Requirements, target: Target, *, uv: str, compiler: str | None) -> tuple[Path, bool]:
    """The directory holding the installed dependencies, and whether it came from the cache.
    ``compiler``: the Python that writes their bytecode (bytecode.compiler), None for none."""
    key = cache_key(requirements, target, uv_version(uv), compiler)
    entry = cache_root() / "deps" / key[:32]
    if (entry / ".complete").is_file():
        return entry, True
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{entry.name}.", dir=entry.parent))
    try:
        if not requirements.empty:
            _uv_install(requirements, target, staging, uv)
            tags.verify_installed(staging, target)
        _tidy(staging)
        if compiler is not None:
            bytecode.compile_tree(staging, target.runtime, compiler)
        files = {p.relative_to(staging).as_posix(): p for p in staging.rglob("*") if p.is_file()}
        entries = {name: zipper.entry_for(name, path) for name, path in files.items()}
        zipper.write(entries, staging / DEPS_ZIP)
        (staging / DEPS_CONTENT).write_text(zipper.entries_digest(entries) + "\n")
        (staging / ".complete").write_text(key + "\n")
        try:
            staging.rename(entry)
        except OSError:  # another build finished the same entry first: use theirs
            if not (entry / ".complete").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return entry, False


def deps_content(deps_dir: Path) -> str:
    """The content digest of the dependencies' zip (computed once for a cache entry older than it)."""
    saved = deps_dir / DEPS_CONTENT
    try:
        return saved.read_text().strip()
    except FileNotFoundError:
        digest = zipper.zip_digest(deps_dir / DEPS_ZIP)
        partial = saved.with_name(f"{DEPS_CONTENT}.{os.getpid()}")
        try:
            partial.write_text(digest + "\n")
            partial.replace(saved)
        except OSError:  # a read-only cache: computed again next time
            partial.unlink(missing_ok=True)
        return digest


def _uv_install(requirements: Requirements, target: Target, into: Path, uv: str) -> None:
    req_file = into.parent / f"{into.name}.requirements.txt"
    req_file.write_text(requirements.text, encoding="utf-8")
    base = [uv, "pip", "install", "--quiet", "--no-config", "--target", str(into),
            "--python-platform", target.uv_platform, "--python-version", target.python_version,
            "--python", sys.executable, "-r", str(req_file),
            # uv's default, pinned against UV_INDEX_STRATEGY: a package comes only from the first
            # index that has it, so a private index's package is never mixed with PyPI's of that name
            "--index-strategy", "first-index"]
    if requirements.complete:
        base.append("--no-deps")
    if requirements.has_local_paths:
        # uv keys its cached builds of a local project on pyproject.toml/setup.* only, so an edited
        # module would come back stale from uv's cache; --refresh rebuilds it.
        base.append("--refresh")
    try:
        # Binary wheels only first: a wheel built here from an sdist is built for THIS machine.
        done = subprocess.run(base + ["--only-binary", ":all:"], cwd=requirements.directory,
                              capture_output=True, text=True)
        if done.returncode == 0:
            return
        first_error = done.stderr.strip()
        if not _needs_source(first_error):
            hint = f"fix {requirements.source} (uv's message above names the package)"
            if "--python-version" in first_error or "current Python version" in first_error:
                # uv's own hint names its flag; the Lambda runtime is what sets that version here
                hint = (f"a dependency needs a newer Python than the runtime ({target.runtime}): set e.g. "
                        '`runtime = "python3.12"` in shoehorn.toml, or pin an older version of it')
            raise BuildError(f"installing the dependencies from {requirements.source} failed:\n{first_error}", hint)
        # A pure-Python sdist is fine to build locally; tags.verify_installed rejects anything
        # that came out compiled for this machine instead of Lambda.
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir()
        done = subprocess.run(base, cwd=requirements.directory, capture_output=True, text=True)
        if done.returncode != 0:
            package = _package_in(done.stderr) or _package_in(first_error) or "a dependency"
            raise BuildError(
                f"{package} has no wheel for Lambda ({target.uv_platform}, Python {target.python_version}) "
                f"and could not be built here:\n{done.stderr.strip()}",
                f"pin a version of {package} that publishes manylinux wheels for {target.architecture}, "
                "or vendor a wheel built on Amazon Linux (e.g. in a container) with `--find-links`",
            )
    finally:
        req_file.unlink(missing_ok=True)


def _needs_source(message: str) -> bool:
    """Whether uv failed for want of a wheel; its paths and URLs are left out (a ./wheels folder is not that)."""
    return bool(_NEEDS_SOURCE.search(_PATH.sub("", message)))


def _package_in(message: str) -> str | None:
    match = _NO_WHEEL.search(message)
    return (match.group(1) or match.group(2)) if match else None


def _tidy(root: Path) -> None:
    """Drop what only matters on a developer's machine: console scripts, stray tests, stale bytecode,
    uv's lock file and the install records that name this machine's paths."""
    shutil.rmtree(root / "bin", ignore_errors=True)  # uv --target puts entry-point scripts here
    (root / ".lock").unlink(missing_ok=True)  # uv's lock file for the target folder (empty)
    # PEP 610 records where a local package was installed from: a path on this machine
    for record in root.glob("*.dist-info/direct_url.json"):
        record.unlink()
    # A top-level tests/ package is a packaging mistake of some dependency; nothing imports it,
    # and it would clash with the app's own tests/. Tests inside packages stay: some are imported.
    for stray in ("tests", "test"):
        shutil.rmtree(root / stray, ignore_errors=True)
    for cache in list(root.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
