"""A src-layout project managed with uv (pyproject.toml + uv.lock), holding flaskr from the Flask sdist."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
FLASK = "flask==3.1.0"


def test_uv_src_layout_project(sandbox) -> None:
    from uv import find_uv_bin

    uv = find_uv_bin()
    project = sandbox.root / "blog"
    subprocess.run([uv, "init", "--quiet", "--package", "--name", "flaskr", "--no-workspace", str(project)],
                   check=True, env=sandbox.env, cwd=sandbox.root)
    package = project / "src" / "flaskr"
    shutil.rmtree(package)  # uv's placeholder package gives way to the real app
    tutorial = unpack(sdist(FLASK), "examples/tutorial", sandbox.root / "tutorial")
    shutil.copytree(tutorial / "flaskr", package)
    subprocess.run([uv, "add", "--quiet", "--no-sync", FLASK], check=True, env=sandbox.env, cwd=project)
    assert (project / "uv.lock").is_file() and not (project / "requirements.txt").exists()
    before = snapshot(project)

    sandbox.ok(project, "init")
    text = (project / "shoehorn.toml").read_text()
    assert 'app = "flaskr:create_app()"' in text and 'requirements = "uv.lock"' in text
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        assert browser.get("/hello").text == "Hello, World!"
        login = browser.get("/auth/login")
        assert login.status_code == 200 and 'name="password"' in login.text
        assert browser.get("/static/style.css").status_code == 200  # package data under src/
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
