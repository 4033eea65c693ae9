"""CherryPy from its sdist: tutorial 1 (cherrypy/tutorial/tut01_helloworld.py), served by quickstart() as a script."""

from __future__ import annotations

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
CHERRYPY = "cherrypy==18.10.0"
GUARD = "if __name__ == '__main__':"


def test_cherrypy_tutorial_is_told_the_wsgi_app_and_then_routes_under_the_stage(sandbox) -> None:
    tutorial = unpack(sdist(CHERRYPY), "cherrypy/tutorial", sandbox.root / "tutorial")
    project = sandbox.root / "hello"
    project.mkdir()
    source = (tutorial / "tut01_helloworld.py").read_text()
    (project / "hello.py").write_text(source)
    (project / "requirements.txt").write_text(f"{CHERRYPY}\n")
    unfound = sandbox.shoehorn(project, "init")
    told = " ".join(unfound.stderr.split())
    assert unfound.returncode == 2 and "serves HelloWorld() with cherrypy.quickstart()" in told
    fix = "app = cherrypy.Application(HelloWorld(), script_name=None)"
    assert fix in told and "shoehorn init --app hello:app" in told
    (project / "hello.py").write_text(source.replace(GUARD, f"{fix}\n\n{GUARD}"))  # what the hint says
    before = snapshot(project)
    sandbox.ok(project, "init", "--app", "hello:app")
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        assert browser.get("/").text == "Hello world!"
        assert browser.get("/index").text == "Hello world!"
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
