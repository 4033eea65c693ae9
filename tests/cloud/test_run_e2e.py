"""``shoehorn run --local`` goes to the function ``up --local`` deployed, as every --local command does."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloud.conftest import LocalCloud, tiny_app

pytestmark = pytest.mark.slow


def test_run_local_runs_the_command_in_the_function_deployed_to_the_local_cloud(cloud: LocalCloud,
                                                                                 tmp_path: Path) -> None:
    app = tiny_app(tmp_path / "app", "runapp")
    deployed = cloud.run("up", "--local", "--no-check", "-C", str(app))
    assert deployed.returncode == 0, deployed.stderr
    env = cloud.run("env", "set", "--local", "-C", str(app), "MARKER=from-the-cloud")
    assert env.returncode == 0, env.stderr

    done = cloud.run("run", "--local", "-C", str(app), "--", "python", "-c",
                     "import os, sys; print('marker', os.environ['MARKER']); sys.exit(3)")
    assert done.returncode == 3, done.stderr  # the command's own exit code
    assert "marker from-the-cloud" in done.stdout  # the deployed function's environment, not the config's
    assert "in the local cloud" in done.stderr and "runapp-dev" in done.stderr
