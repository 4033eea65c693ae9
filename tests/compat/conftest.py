"""The compatibility corpus: real apps nobody here wrote, taken from published packages at test time.

Each case unpacks an app from a PyPI sdist (downloaded once with ``pip download`` into
``~/.cache/shoehorn-tests``, or ``$SHOEHORN_TESTS_CACHE``) or generates one with the
framework's own tool (``django-admin startproject``, ``uv init``), then drives it the way a new
user would: ``shoehorn init`` with no config, ``shoehorn build``, ``shoehorn dev --lambda`` and
real HTTP through the emulated API Gateway (cookies kept, redirects followed under the stage
prefix). Every shoehorn process runs with HOME, TMPDIR and the XDG cache inside the test's
temporary directory (the dependency caches are the shared, explicit exception), and each
case checks that the app wrote nothing into its own code: neither the app directory (apart
from shoehorn.toml and .shoehorn/) nor the unzipped bundle changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.local.servers import CHECKOUT, Server, free_port, start

CACHE = Path(os.environ.get("SHOEHORN_TESTS_CACHE") or Path.home() / ".cache" / "shoehorn-tests")


def sdist(requirement: str) -> Path:
    """The sdist of ``requirement`` ("flask==3.1.0"), downloaded from PyPI once and cached."""
    name, version = requirement.split("==")
    folder = CACHE / "sdists"
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}.tar.gz")) + sorted(
        folder.glob(f"{name}-{version}.tar.gz"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        # into a folder of its own, then renamed in: a test on another worker never sees half a file
        with tempfile.TemporaryDirectory(dir=folder) as partial:
            # the sdist of this package only: ":all:" would also build its build dependencies from source
            # (falcon's Cython: minutes of C compilation just to read the sdist's metadata)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", name,
                            requirement, "-d", partial], check=True, timeout=300)
            for downloaded in Path(partial).iterdir():
                os.replace(downloaded, folder / downloaded.name)
        return sdist(requirement)
    return found[0]


def unpack(archive: Path, inner: str, into: Path) -> Path:
    """The folder ``inner`` of an sdist (below its top folder), extracted to ``into``."""
    with tarfile.open(archive) as tar:
        top = tar.getmembers()[0].name.split("/")[0]
        prefix = f"{top}/{inner.strip('/')}/"
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and m.isfile()]
        assert members, f"{inner} is not in {archive.name}"
        into.mkdir(parents=True, exist_ok=True)
        for member in members:
            target = into / member.name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    return into


def snapshot(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """relative path -> sha256 of every file below ``directory`` (minus the ``skip`` top folders/files)."""
    found = {}
    for path in directory.rglob("*"):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative.split("/")[0] not in skip:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Sandbox:
    """Where a case runs: shoehorn as a user types it, with every writable place inside ``root``."""

    root: Path
    env: dict[str, str]

    def shoehorn(self, app: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        command, *rest = args  # -C before any `--` (shoehorn run -- CMD)
        return subprocess.run([sys.executable, "-m", "shoehorn", command, "-C", str(app), *rest],
                              cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def ok(self, app: Path, *args: str) -> subprocess.CompletedProcess:
        done = self.shoehorn(app, *args)
        assert done.returncode == 0, \
            f"shoehorn {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done

    @contextmanager
    def dev_lambda(self, app: Path, stage: str = "dev", source: str = "rest") -> Iterator[tuple[httpx.Client, Server]]:
        """``shoehorn dev --lambda`` and a browser-like client for its stage URL (``source`` other than
        "rest": for the root URL, as a custom domain or a payload-2.0 front serves it)."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "shoehorn", "dev", "--lambda", "--no-reload", "--port", str(port),
                   "-C", str(app), "--stage", stage, "--source", source]
        # The probe is outside the stage: the gateway answers 403 without starting a container.
        server = start(command, self.root / f"dev-{port}.log", base, probe=base + "/__ready__", cwd=self.root,
                       env=self.env, timeout=300)
        try:
            url = f"{base}/{stage}" if source == "rest" else base
            with httpx.Client(base_url=url, follow_redirects=True, timeout=60) as browser:
                yield browser, server
        finally:
            server.stop()

    def task_roots(self, app: Path) -> list[Path]:
        # (dot-folders there are the sessions' in-use markers, not bundles)
        return sorted(p for p in (app / ".shoehorn" / "lambda").iterdir() if p.is_dir() and not p.name.startswith("."))


def make_sandbox(root: Path) -> Sandbox:
    for name in ("home", "tmp", "xdg"):
        (root / name).mkdir()
    env = dict(os.environ, HOME=str(root / "home"), TMPDIR=str(root / "tmp"),
               XDG_CACHE_HOME=str(root / "xdg"), SHOEHORN_CACHE_DIR=str(CACHE / "shoehorn"),
               UV_CACHE_DIR=str(CACHE / "uv"), PIP_CACHE_DIR=str(CACHE / "pip"), PYTHONDONTWRITEBYTECODE="1")
    # the shoehorn of this checkout, whatever the venv's editable install points at (a venv shared by
    # several git worktrees ran another checkout's shoehorn), and nothing else of the caller's PYTHONPATH
    env["PYTHONPATH"] = str(CHECKOUT)
    return Sandbox(root, env)


@pytest.fixture()
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def database_outside_the_code(sandbox: Sandbox, app: Path, settings: Path, environment: str = "") -> None:
    """What a Django user adds to deploy: the database outside the code directory (read-only on Lambda). A network
    database is the real answer (init says so); a SQLite file under the test's folder stands in for it, which
    ``settings`` takes from SQLITE_PATH, set in shoehorn.toml's [environment] (the table `init` writes last) with
    the superuser `createsuperuser --noinput` makes and the lines ``environment``."""
    with settings.open("a") as file:
        file.write('\nimport os\n'
                   'DATABASES["default"]["NAME"] = os.environ.get("SQLITE_PATH", DATABASES["default"]["NAME"])\n')
    (sandbox.root / "data").mkdir()
    with (app / "shoehorn.toml").open("a") as config:
        config.write(f'{environment}SQLITE_PATH = "{sandbox.root / "data" / "db.sqlite3"}"\n'
                     'DJANGO_SUPERUSER_USERNAME = "admin"\nDJANGO_SUPERUSER_PASSWORD = "correct-horse"\n'
                     'DJANGO_SUPERUSER_EMAIL = "admin@example.com"\n')


def assert_wrote_nothing_into_its_code(app: Path, before: dict[str, str], sandbox: Sandbox,
                                       bundle_before: dict[Path, dict[str, str]]) -> None:
    after = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    assert after == before, f"the app directory changed: {sorted(set(after.items()) ^ set(before.items()))[:5]}"
    for root, files in bundle_before.items():
        now = snapshot(root)
        assert now == files, f"the unzipped bundle changed: {sorted(set(now) ^ set(files))[:5]}"
