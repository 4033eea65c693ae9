"""Responder from its sdist: examples/helloworld.py, the smallest app its docs run (`responder run helloworld.py`)."""

from __future__ import annotations

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
RESPONDER = "responder==9.2.0"


def test_responder_hello_world_is_named_by_the_hint_and_routes_under_the_stage(sandbox) -> None:
    examples = unpack(sdist(RESPONDER), "examples", sandbox.root / "examples")
    project = sandbox.root / "hello"
    project.mkdir()
    (project / "helloworld.py").write_text((examples / "helloworld.py").read_text())
    (project / "requirements.txt").write_text(f"{RESPONDER}\n")
    before = snapshot(project)
    # `api = responder.API()`: an app class told by where its name comes from (API is also Flask-RESTful's)
    unfound = sandbox.shoehorn(project, "init")
    assert unfound.returncode == 2 and "shoehorn init --app helloworld:api" in " ".join(unfound.stderr.split())
    sandbox.ok(project, "init", "--app", "helloworld:api")
    built = sandbox.ok(project, "build")
    assert "GET / -> 200" in built.stderr  # Responder routed "/check/", redirected it (307) and 404'd the rest
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        assert browser.get("/").text == "hello, world!"
        assert browser.get("/café").text == "café, world!"
        assert browser.get("/a/b").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
