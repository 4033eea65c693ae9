"""A function for another Python or architecture than the local cloud's: its containers would run the
cloud's own interpreter on this machine, so a python3.12 bundle ran on python3.11 (an ImportError deep
in a dependency, or an answer as if all were well) and an arm64 one failed on its compiled modules.
`up --local` warns, and each invocation fails its init saying why."""

from __future__ import annotations

import pytest

from cloud.conftest import tiny_app
from shoehorn.local.emulator import local_platform

HERE = local_platform()
OTHER_PYTHON = "python3.12" if HERE.runtime != "python3.12" else "python3.13"
OTHER_ARCH = "arm64" if HERE.architecture == "x86_64" else "x86_64"


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "fix"), [
    (f'runtime = "{OTHER_PYTHON}"', f'Set runtime = "{HERE.runtime}" in shoehorn.toml'),
    (f'architecture = "{OTHER_ARCH}"', f'Set architecture = "{HERE.architecture}" in shoehorn.toml'),
])
def test_a_function_for_another_platform_is_refused_with_the_reason(cloud, tmp_path, setting, fix) -> None:
    name = "otherpy" if setting.startswith("runtime") else "otherarch"
    app = tiny_app(tmp_path / "app", name)
    (app / "shoehorn.toml").write_text(f'name = "{name}"\n{setting}\nrequirements = false\n')
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
