"""``collectstatic`` at build time, so the function can serve a Django project's STATIC_URL.

Django runs in a fresh, isolated interpreter on the app directory and the installed
dependencies (the same ones the bundle ships), with STATIC_ROOT pointed at a folder under
``.shoehorn`` whatever the settings say: a new project has no STATIC_ROOT, and the files
must land in the bundle, not in the app. Projects without ``django.contrib.staticfiles``
collect nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle.shim import STATIC_DIR
from shoehorn.config import Config
from shoehorn.errors import BuildError

MARKER = "SHOEHORN-STATIC:"

_SCRIPT = r'''
import importlib, json, os, sys
sys.path[:0] = sys.argv[1].split(os.pathsep)
import django
from django.conf import global_settings, settings
root = settings.STATIC_ROOT  # the project's own, where its storage reads the manifest at run time
settings.STATIC_ROOT = sys.argv[2]  # overrides the project's value for this run only
django.setup()
if "django.contrib.staticfiles" not in settings.INSTALLED_APPS:
    print("%(marker)s" + json.dumps({"url": None}))
    raise SystemExit(0)
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0, clear=True)
# STATIC_URL as the project wrote it: the settings object adds the script prefix to a relative
# value ("static/" reads as "/static/"), which would hide whether links will carry the stage
module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
url = getattr(module, "STATIC_URL", global_settings.STATIC_URL)
whitenoise = "whitenoise.middleware.WhiteNoiseMiddleware" in getattr(settings, "MIDDLEWARE", ())
print("%(marker)s" + json.dumps({"url": url, "root": str(root) if root else None, "whitenoise": whitenoise}))
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


def collect(config: Config, deps_dir: Path) -> Collected | None:
    """Run collectstatic for ``config``'s Django project; None when it has no static files app."""
    out = config.directory / ".shoehorn" / "static"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = [str(config.directory / config.source_dir if config.source_dir else config.directory), str(deps_dir)]
    env = {"DJANGO_SETTINGS_MODULE": config.django_settings or "", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), **config.environment}
    # -I -S: no site-packages of this machine, so Django comes from the app's own requirements.
    command = [sys.executable, "-I", "-S", "-B", "-c", _SCRIPT % {"marker": MARKER}, ":".join(paths), str(out)]
    done = subprocess.run(command, cwd=config.directory, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise BuildError(f"`collectstatic` failed for {config.django_settings} (exit {done.returncode}):\n{tail}",
                         _failure_hint(done.stderr, config))
    found = json.loads(lines[-1][len(MARKER):])
    if found["url"] is None:
        return None
    files = tuple(sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()))
    return Collected(found["url"], out, files, _in_app(found.get("root"), config.directory) or STATIC_DIR,
                     whitenoise=bool(found.get("whitenoise")))


def _failure_hint(stderr: str, config: Config) -> str:
    """A missing module is missing from the requirements, not from this machine: collectstatic ran
    without site-packages, so `manage.py collectstatic` here may well work and prove nothing."""
    from shoehorn.bundle import missing

    found = re.findall(r"ModuleNotFoundError: No module named '([^']+)'", stderr)
    if not found:
        return "fix the error above (`python manage.py collectstatic` shows the same)"
    module = found[-1].split(".")[0]
    source = config.requirements.name if config.requirements is not None else "the requirements"
    return missing.hint(module, config) or (
        f"collectstatic runs with the bundle's dependencies only, and {source} installs no '{module}' (a package "
        f"installed on this machine does not count): add the package that provides it to {source}")


def _in_app(root: str | None, directory: Path) -> str | None:
    """STATIC_ROOT as a path inside the app directory (the bundle's root), or None."""
    if not root:
        return None
    try:
        relative = Path(root).resolve().relative_to(directory.resolve())
    except ValueError:
        return None
    return relative.as_posix() if relative.parts and ".shoehorn" not in relative.parts else None
