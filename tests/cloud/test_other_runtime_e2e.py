"""A function for another Python or architecture than the local cloud's own.

Its containers once ran the cloud's own interpreter, so a python3.12 bundle ran on python3.11 (an
ImportError deep in a dependency, or an answer as if all were well) and an arm64 one failed on its
compiled modules. Now a function of another Python version runs on a Python of that version found
on this machine (PATH, pyenv, uv: shoehorn/local/interpreters.py); with none, or for another
architecture, `up --local` warns and each invocation fails its init saying why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cloud.conftest import LocalCloud, started_cloud, tiny_app
from shoehorn.local.emulator import local_platform
from tests.pythons import other_runtime, others, without_python

HERE = local_platform()
OTHER_PYTHON = other_runtime()
OTHER_ARCH = "arm64" if HERE.architecture == "x86_64" else "x86_64"
FOUND = others()[0] if others() else None  # another Lambda Python this machine has, if any

VERSION_APP = '''import sys


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("python%d.%d %s" % (sys.version_info[0], sys.version_info[1], sys.executable)).encode()]
'''


@pytest.fixture(scope="module")
def cloud_without_other_pythons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    """A local cloud (and its commands) that find no Python but their own: PATH without another
    python3.X, pyenv and uv pointed at empty folders."""
    hidden = without_python(OTHER_PYTHON, tmp_path_factory.mktemp("no-pythons"))
    yield from started_cloud(tmp_path_factory, **{k: hidden[k] for k in ("PATH", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR")})


def _refused(cloud: LocalCloud, app: Path, fix: str) -> None:
    up = cloud.run("up", "--local", "-C", str(app))
    assert up.returncode == 0, up.stderr
    said = " ".join(up.stderr.split())  # (rich wraps long lines)
    assert f"warning: the local cloud runs {HERE.runtime} on {HERE.architecture}" in said, said
    assert fix in said
    assert "-> 502 Bad Gateway" in said  # not the app's 200 from the wrong interpreter

    logs = cloud.run("logs", "--local", "-C", str(app))
    text = " ".join(logs.stdout.split())
    assert f"InvalidRuntimeException: the local cloud runs {HERE.runtime} on {HERE.architecture}" in text, \
        logs.stdout + logs.stderr
    assert fix in text
    assert "hello from the app" not in logs.stdout  # the app never ran on the wrong platform

    invoked = cloud.run("invoke", "--local", "-C", str(app), "GET", "/")
    said = " ".join(invoked.stderr.split())
    assert invoked.returncode == 7, said  # the local cloud's limit, not an error in the app's code (2)
    assert f"the function did not start: the local cloud runs {HERE.runtime}" in said and "app's own error" not in said


@pytest.mark.slow
def test_a_function_for_another_architecture_is_refused_with_the_reason(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "otherarch")
    (app / "shoehorn.toml").write_text(f'name = "otherarch"\narchitecture = "{OTHER_ARCH}"\nrequirements = false\n')
    _refused(cloud, app, f'Set architecture = "{HERE.architecture}" in shoehorn.toml')


@pytest.mark.slow
def test_a_function_for_a_python_this_machine_lacks_is_refused_with_the_reason(cloud_without_other_pythons,
                                                                               tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "otherpy")
    (app / "shoehorn.toml").write_text(f'name = "otherpy"\nruntime = "{OTHER_PYTHON}"\nrequirements = false\n')
    version = OTHER_PYTHON.removeprefix("python")
    _refused(cloud_without_other_pythons, app, f"this machine has no Python {version}")
    # the two ways out: a Python of that version, or this one
    said = " ".join(cloud_without_other_pythons.run("up", "--local", "-C", str(app)).stderr.split())
    assert f"uv python install {version}" in said and f'runtime = "{HERE.runtime}"' in said, said


@pytest.mark.slow
@pytest.mark.skipif(FOUND is None, reason="this machine has no CPython for another Lambda runtime")
def test_a_function_for_another_python_runs_on_that_python_found_here(cloud, tmp_path) -> None:
    runtime, path = FOUND
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(VERSION_APP)
    (app / "shoehorn.toml").write_text(f'name = "py{runtime[-4:].replace(".", "")}"\nruntime = "{runtime}"\n'
                                       "requirements = false\n")
    up = cloud.run("up", "--local", "-C", str(app))
    said = " ".join(up.stderr.split())
    assert up.returncode == 0, said
    assert "warning: the local cloud runs" not in said, said
    assert "-> 200" in said, said

    invoked = cloud.run("invoke", "--local", "-C", str(app), "GET", "/")
    assert invoked.returncode == 0, invoked.stderr
    assert invoked.stdout.strip().endswith(f"{runtime} {path}"), invoked.stdout
