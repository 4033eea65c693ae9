"""The local cloud as a user runs it: ``shoehorn`` subprocesses against one cloud process.

``cloud`` (module) starts a local cloud with its own state directory and an environment with
no AWS settings at all (no credentials, no region, no endpoint: ``--local`` supplies them),
and stops it at the end. ``run(*args)`` runs ``shoehorn`` in that environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TINY_APP = '''import os

MARK = "{marker}"


def app(environ, start_response):
    print("hello from the app", environ["PATH_INFO"], flush=True)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{{MARK}} GREETING={{os.environ.get('GREETING', 'unset')}}".encode()]
'''


def tiny_app(directory: Path, name: str, marker: str = "v1") -> Path:
    """A WSGI app with no dependencies that prints a line per request and shows $K."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "app.py").write_text(TINY_APP.format(marker=marker))
    (directory / "requirements.txt").write_text("")
    (directory / "shoehorn.toml").write_text(f'name = "{name}"\n')
    return directory


def clean_env(state: Path, nowhere: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "SHOEHORN_LOCAL_CLOUD"}
    env.update(XDG_STATE_HOME=str(state), AWS_CONFIG_FILE=str(nowhere), AWS_SHARED_CREDENTIALS_FILE=str(nowhere),
               AWS_EC2_METADATA_DISABLED="true")
    return env


@dataclass
class LocalCloud:
    url: str
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "shoehorn", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def boto3(self, service: str):
        import boto3

        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="local",
                            aws_secret_access_key="local")


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    yield from started_cloud(tmp_path_factory)


def started_cloud(tmp_path_factory: pytest.TempPathFactory, **extra_env: str) -> Iterator[LocalCloud]:
    """A local cloud of its own (``extra_env`` added to its environment and its commands'), stopped after."""
    state = tmp_path_factory.mktemp("state")
    # a schedule minute lasts 0.2 s in this cloud, so the keep-warm rule rate(5 minutes) fires every second
    env = clean_env(state, tmp_path_factory.mktemp("no-aws") / "missing") | {"SHOEHORN_CLOUD_MINUTE_S": "0.2"}
    env.update(extra_env)
    started = subprocess.run([sys.executable, "-m", "shoehorn", "cloud", "start"], env=env, capture_output=True,
                             text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert started.returncode == 0, started.stderr + started.stdout
    url = started.stdout.split(" on ")[1].split()[0]
    try:
        yield LocalCloud(url, env)
    finally:
        subprocess.run([sys.executable, "-m", "shoehorn", "cloud", "stop"], env=env, capture_output=True, timeout=60)
