"""Shared fixtures: a real moto server process, and an environment that points AWS at it.

- ``moto_server`` (session): starts ``python -m moto.server`` on a free 127.0.0.1 port with
  AWS managed policies loaded (``AWSLambdaBasicExecutionRole`` must exist to be attached),
  waits until it answers, yields its URL, terminates it at the end of the session.
- ``aws_env`` (function): resets moto (``POST /moto-api/reset``) so each test starts from an
  empty account, then sets ``AWS_ENDPOINT_URL``, fake credentials and ``AWS_REGION=us-east-1``
  with monkeypatch, and isolates the test from the user's ~/.aws files and the EC2 metadata
  service. Yields the endpoint URL. Subprocesses started with ``os.environ`` inherit all of it.
  The reset costs ~3 s (moto re-parses every AWS managed policy when IAM is next touched).
- ``aws_env_shared`` (function): the same environment WITHOUT the reset, for tests that keep
  out of each other's way by using their own app names (see ``unique_name``): ~0 s per test.
- ``unique_name`` (function): an AWS-safe app name derived from the test's node id.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

# pytest-xdist hands its workers the controller's terminal width as COLUMNS (80 under CI); the CLI
# then folds long lines where a pipe gets them whole (shoehorn/cli/render.py). Tests read the
# output a script would.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/moto-api/data.json", timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    port = free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto server did not start on {url} (exit code {process.poll()})")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset", method="POST"), timeout=10).close()


def point_aws_at(url: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    nowhere = tmp_path_factory.mktemp("no-aws-config") / "missing"
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(nowhere))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reset_moto(moto_server)
    point_aws_at(moto_server, monkeypatch, tmp_path_factory)
    yield moto_server


@pytest.fixture
def aws_env_shared(moto_server: str, monkeypatch: pytest.MonkeyPatch,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    point_aws_at(moto_server, monkeypatch, tmp_path_factory)
    yield moto_server


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    return "t" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:10]
