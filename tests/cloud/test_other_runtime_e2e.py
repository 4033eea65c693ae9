"""A function whose runtime is not the local cloud's Python: its containers would run the cloud's own
interpreter, so a python3.12 bundle ran on python3.11 (an ImportError deep in a dependency, or an
answer as if all were well). `up --local` warns, and each invocation fails its init saying why."""

from __future__ import annotations

import sys

import pytest

from cloud.conftest import tiny_app

HERE = f"python{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "python3.12" if HERE != "python3.12" else "python3.13"


@pytest.mark.slow
def test_a_function_for_another_python_is_refused_with_the_reason(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "otherpy")
    (app / "shoehorn.toml").write_text(f'name = "otherpy"\nruntime = "{OTHER}"\nrequirements = false\n')
    up = cloud.run("up", "--local", "-C", str(app))
    assert up.returncode == 0, up.stderr
    said = " ".join(up.stderr.split())  # (rich wraps long lines)
    assert f"warning: the local cloud runs {HERE} (the Python its shoehorn is installed in) and this app's " \
           f"runtime is {OTHER}" in said, said
    assert f'Set runtime = "{HERE}" in shoehorn.toml' in said
    assert "-> 502 Bad Gateway" in said  # not the app's 200 from the wrong interpreter

    logs = cloud.run("logs", "--local", "-C", str(app))
    text = " ".join(logs.stdout.split())
    assert f"InvalidRuntimeException: the local cloud runs {HERE}" in text, logs.stdout + logs.stderr
    assert "hello from the app" not in logs.stdout  # the app never ran on the wrong Python

    invoked = cloud.run("invoke", "--local", "-C", str(app), "GET", "/")
    said = " ".join(invoked.stderr.split())
    assert invoked.returncode == 7, said  # the local cloud's limit, not an error in the app's code (2)
    assert f"the function did not start: the local cloud runs {HERE}" in said and "app's own error" not in said
