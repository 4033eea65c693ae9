"""Helpers for the deploy CLI tests: app directories and `shoehorn` run as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FLASK_EXAMPLE = REPO / "examples" / "flask_app"

TINY_APP = '''def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"{marker}"]
'''


def tiny_app(directory: Path, name: str, marker: str = "v1", extra_toml: str = "") -> Path:
    """A WSGI app with no dependencies: builds in well under a second."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "app.py").write_text(TINY_APP.format(marker=marker))
    (directory / "requirements.txt").write_text("")
    (directory / "shoehorn.toml").write_text(f'name = "{name}"\n{extra_toml}')
    return directory


def flask_example(directory: Path, name: str) -> Path:
    """A copy of examples/flask_app (so tests may edit it) with its own app name."""
    shutil.copytree(FLASK_EXAMPLE, directory, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__", "test_*.py"))
    (directory / "shoehorn.toml").write_text(
        f'name = "{name}"\n\n[environment]\nSECRET_KEY = "do-not-print-me"\n')
    return directory


def shoehorn(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the CLI as a user does, in a fresh process, with stdin not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "shoehorn", *args], env=env or dict(os.environ), capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )


def spawn(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shoehorn", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
