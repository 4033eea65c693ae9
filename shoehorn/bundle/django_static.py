"""``collectstatic`` at build time, so the function can serve a Django project's STATIC_URL.

Django runs in a fresh, isolated interpreter on the app directory and the installed
dependencies (the same ones the bundle ships), with STATIC_ROOT pointed at a folder under
``.shoehorn`` whatever the settings say: a new project has no STATIC_ROOT, and the files
must land in the bundle, not in the app. Projects without ``django.contrib.staticfiles``
collect nothing.

A collection takes half a second or more (Django starts in a fresh interpreter), which a
``dev --lambda`` rebuild after each edit paid although an edited view or URL conf changes
nothing it collects. So each collection records what it read: every file opened or imported and
every folder listed, outside the dependencies (one cache entry never changes) and the standard
library. With ``reuse`` (``dev --lambda``), the last collection is used again while those files
hold the same bytes, those folders the same names, and the dependencies, environment, settings
module and shipped files are the same. A new or removed file anywhere in the bundle collects
again: Django finds an app's static folder by checking that it exists, which no audit event
records. ``build`` and ``up`` always collect anew.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle.install import DEPS_ZIP
from shoehorn.bundle.shim import STATIC_DIR
from shoehorn.config import Config
from shoehorn.errors import BuildError

MARKER = "SHOEHORN-STATIC:"
_FORMAT = 2  # of the record of the last collection (.shoehorn/static.json)

_SCRIPT = r'''
import importlib, json, os, sys
read, listed = set(), set()

def record(event, args):
    # what the collection reads, to tell later whether collecting again can give anything else
    if event == "open" and isinstance(args[0], (str, bytes)):
        mode, flags = args[1], args[2]
        if not (mode and any(c in mode for c in "wax+")) and not flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            read.add(os.path.abspath(os.fsdecode(args[0])))
    elif event in ("os.listdir", "os.scandir") and isinstance(args[0], (str, bytes)):
        listed.add(os.path.abspath(os.fsdecode(args[0])))

sys.addaudithook(record)
sys.path[:0] = sys.argv[1].split(os.pathsep)
import django
if os.environ.get("DJANGO_CONFIGURATION"):  # django-configurations: settings classes, read by its importer
    from configurations import importer
    importer.install()
from django.conf import global_settings, settings
root = settings.STATIC_ROOT  # the project's own, where its storage reads the manifest at run time
settings.STATIC_ROOT = sys.argv[2]  # overrides the project's value for this run only
django.setup()
found = {"url": None}
if "django.contrib.staticfiles" in settings.INSTALLED_APPS:
    from django.core.management import call_command
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    # STATIC_URL as the project wrote it: the settings object adds the script prefix to a relative
    # value ("static/" reads as "/static/"), which would hide whether links will carry the stage
    module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    url = getattr(module, "STATIC_URL", global_settings.STATIC_URL)
    whitenoise = "whitenoise.middleware.WhiteNoiseMiddleware" in getattr(settings, "MIDDLEWARE", ())
    found = {"url": url, "root": str(root) if root else None, "whitenoise": whitenoise,
             "media_root": str(settings.MEDIA_ROOT or "") or None}
modules = {os.path.abspath(module.__file__) for module in list(sys.modules.values())
           if isinstance(getattr(module, "__file__", None), str)}
found.update(read=sorted(read | modules), listed=sorted(listed))
print("%(marker)s" + json.dumps(found))
'''


@dataclass(frozen=True, slots=True)
class Collected:
    url: str  # STATIC_URL, e.g. "static/"
    directory: Path  # the collected files
    files: tuple[str, ...]  # relative paths, sorted
    # where they go in the bundle: the project's STATIC_ROOT when it lies in the app directory
    # (ManifestStaticFilesStorage and WhiteNoise read STATIC_ROOT at run time), else shoehorn's own
    in_bundle: str = STATIC_DIR
    # WhiteNoise's middleware serves them (compressed, with validators): the function leaves them to it
    whitenoise: bool = False
    # MEDIA_ROOT when it lies in the app directory ("media"): where uploads would be written, read-only on Lambda
    media_in_app: str | None = None


def collect(config: Config, deps_dir: Path, shipped: tuple[str, ...] = (), *,
            reuse: bool = False, python: str = sys.executable) -> Collected | None:
    """Run collectstatic for ``config``'s Django project (on ``python``, one of the bundle's version);
    None when it has no static files app. With ``reuse``, the last collection while it still holds
    (``shipped``: the files the bundle ships)."""
    out = config.directory / ".shoehorn" / "static"
    record = out.with_name("static.json")
    inputs = _inputs(config, deps_dir, shipped)
    if reuse:
        reused = _reusable(record, inputs, out)
        if reused is not False:
            return reused
    record.unlink(missing_ok=True)  # a collection interrupted below leaves nothing to reuse
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = [str(config.directory / config.source_dir if config.source_dir else config.directory), str(deps_dir)]
    env = {"DJANGO_SETTINGS_MODULE": config.django_settings or "", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), **config.environment}
    # -I -S: no site-packages of this machine, so Django comes from the app's own requirements.
    command = [python, "-I", "-S", "-B", "-c", _SCRIPT % {"marker": MARKER}, ":".join(paths), str(out)]
    done = subprocess.run(command, cwd=config.directory, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise BuildError(f"`collectstatic` failed for {config.django_settings} (exit {done.returncode}):\n{tail}",
                         _failure_hint(done.stderr, config))
    found = json.loads(lines[-1][len(MARKER):])
    collected = None
    if found["url"] is not None:
        files = tuple(sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()))
        collected = Collected(found["url"], out, files, _in_app(found.get("root"), config.directory) or STATIC_DIR,
                              whitenoise=bool(found.get("whitenoise")),
                              media_in_app=_in_app(found.get("media_root"), config.directory))
    ignored = (deps_dir, out, Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
               Path(python).resolve().parent.parent)  # (another Python's own files: its prefix)
    _remember(record, inputs, collected, [Path(p) for p in found["read"]], [Path(p) for p in found["listed"]], ignored)
    return collected


def _inputs(config: Config, deps_dir: Path, shipped: tuple[str, ...]) -> str:
    """What a collection depends on besides the files it reads: one digest."""
    try:  # written once per dependency cache entry: its size and date identify it
        deps_zip = (deps_dir / DEPS_ZIP).stat()
        deps = [deps_zip.st_size, deps_zip.st_mtime_ns]
    except OSError:
        deps = None
    # the environment holds DJANGO_CONFIGURATION (django-configurations' class), wsgi.py's default or the user's
    described = [_FORMAT, sys.version, str(deps_dir), deps, config.django_settings, config.source_dir,
                 sorted(config.environment.items()), sorted(shipped)]
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()


def _remember(record: Path, inputs: str, collected: Collected | None, read: list[Path], listed: list[Path],
              ignored: tuple[Path, ...]) -> None:
    def kept(path: Path) -> bool:
        return not any(path.is_relative_to(folder) for folder in ignored)

    saved = {"format": _FORMAT, "inputs": inputs,
             "read": {str(path): _digest(path) for path in read if kept(path)},
             "listed": {str(path): _listing(path) for path in listed if kept(path)},
             "collected": None if collected is None else {"url": collected.url, "files": list(collected.files),
                                                          "in_bundle": collected.in_bundle,
                                                          "whitenoise": collected.whitenoise,
                                                          "media_in_app": collected.media_in_app}}
    partial = record.with_name(f".{record.name}.{os.getpid()}")
    partial.write_text(json.dumps(saved))
    partial.replace(record)  # atomic: a concurrent build never reads half a record


def _reusable(record: Path, inputs: str, out: Path) -> Collected | None | bool:
    """The recorded collection, when nothing it depends on changed; False when it must run again."""
    try:
        saved = json.loads(record.read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(saved, dict) or saved.get("format") != _FORMAT or saved.get("inputs") != inputs:
        return False
    if any(_digest(Path(path)) != digest for path, digest in saved["read"].items()):
        return False
    if any(_listing(Path(path)) != names for path, names in saved["listed"].items()):
        return False
    if saved["collected"] is None:
        return None
    files = tuple(saved["collected"]["files"])
    if not out.is_dir() or tuple(sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())) != files:
        return False  # the collected files are gone (`shoehorn clean`), or another build's
    return Collected(saved["collected"]["url"], out, files, saved["collected"]["in_bundle"],
                     whitenoise=saved["collected"]["whitenoise"], media_in_app=saved["collected"]["media_in_app"])


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # gone, or a folder
        return None


def _listing(path: Path) -> list[str] | None:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return None


def _failure_hint(stderr: str, config: Config) -> str:
    """A missing module is missing from the requirements, not from this machine: collectstatic ran
    without site-packages, so `manage.py collectstatic` here may well work and prove nothing."""
    from shoehorn import unset_variable
    from shoehorn.bundle import missing

    where = config.source_file.name if config.source_file is not None else "shoehorn.toml"
    unset = unset_variable.hint(stderr, where)
    if unset:  # `manage.py collectstatic` in this shell may well find the variable: it proves nothing
        return unset
    found = re.findall(r"ModuleNotFoundError: No module named '([^']+)'", stderr)
    if not found:
        return "fix the error above (`python manage.py collectstatic` shows the same)"
    module = found[-1].split(".")[0]
    source = config.requirements.name if config.requirements is not None else "the requirements"
    return missing.hint(module, config) or (
        f"collectstatic runs with the bundle's dependencies only, and {source} installs no '{module}' (a package "
        f"installed on this machine does not count): add the package that provides it to {source}")


def _in_app(root: str | None, directory: Path) -> str | None:
    """STATIC_ROOT (or MEDIA_ROOT) as a path inside the app directory (the bundle's root), or None;
    a relative setting is relative to the app directory, the function's working directory."""
    if not root:
        return None
    try:
        relative = (directory / root).resolve().relative_to(directory.resolve())
    except ValueError:
        return None
    return relative.as_posix() if relative.parts and ".shoehorn" not in relative.parts else None
