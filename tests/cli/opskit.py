"""Helpers for the ops CLI tests: one real ``shoehorn up`` per test module against the moto server.

Deploying takes seconds (build + converge), so each module deploys once in a module-scoped
fixture and its tests run commands against that deployment, in order; the function-scoped
``aws_env`` fixture (which resets moto) is not used by these modules.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from shoehorn.cli import main

APP = '''\
import json, os, sys


def app(environ, start_response):
    """Echoes what it was asked; /boom fails; /bin answers 256 raw bytes."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode()
    print("handling", environ["REQUEST_METHOD"], environ["PATH_INFO"])
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("boom")
    if environ["PATH_INFO"] == "/bin":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [bytes(range(256))]
    seen = {"method": environ["REQUEST_METHOD"], "script_name": environ.get("SCRIPT_NAME", ""),
            "path": environ["PATH_INFO"], "query": environ.get("QUERY_STRING", ""),
            "trace": environ.get("HTTP_X_TRACE"), "body": body, "greeting": os.environ.get("GREETING")}
    start_response("200 OK", [("Content-Type", "application/json"), ("X-App", "ops")])
    return [json.dumps(seen).encode()]
'''


def make_app(directory: Path, name: str, extra_config: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "app.py").write_text(APP)
    (directory / "requirements.txt").write_text("")
    (directory / "shoehorn.toml").write_text(f'name = "{name}"\napp = "app:app"\n{extra_config}')
    return directory


def point_at(monkeypatch, endpoint: str, home: Path) -> None:
    """The same environment tests/conftest.py's ``aws_env`` sets, for a whole module."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "missing"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "missing"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def reset(endpoint: str) -> None:
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"), timeout=10).close()


def run(*args: str) -> tuple[int, str, str]:
    """``shoehorn ARGS`` in this process, as a user would type it; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def run_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``shoehorn ARGS`` as a separate process (``python -m shoehorn``), with this process's env."""
    return subprocess.run([sys.executable, "-m", "shoehorn", *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))


def up(directory: Path, *extra: str) -> str:
    code, out, err = run("up", "-C", str(directory), "--no-check", *extra)
    assert code == 0, err
    return out.strip()
