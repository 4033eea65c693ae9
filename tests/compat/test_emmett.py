"""Emmett from its sdist: the quickstart's minimal app and its variable routes (docs/quickstart.md)."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
EMMETT = "emmett==2.8.2"


def quickstart_blocks(archive) -> list[str]:
    """docs/quickstart.md's python code blocks, as one would save them."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/docs/quickstart.md"))
        text = tar.extractfile(member).read().decode()
    return [part.split("```", 1)[0] for part in text.split("```python\n")[1:]]


def test_emmett_quickstart_app_routes_under_the_stage(sandbox) -> None:
    minimal, variables = quickstart_blocks(sdist(EMMETT))[:2]
    project = sandbox.root / "hello"
    project.mkdir()
    (project / "app.py").write_text(minimal + "\n\n" + variables)  # "Save it as app.py"
    (project / "requirements.txt").write_text(f"{EMMETT}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")  # `app = App(__name__)`, Emmett's App by where it is imported from
    assert 'app = "app:app"' in (project / "shoehorn.toml").read_text()
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        # Emmett routes on scope["path"] and never reads root_path: every route answered 404 under the stage
        assert browser.get("/").text == "Hello world!"
        assert browser.post("/", content=b"x=1").text == "Hello world!"  # GET and POST, by default
        assert browser.get("/user/bob").text == "Hello bob"
        assert browser.get("/double/21").text == "21 * 2 = 42"
        assert browser.get("/double/x").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
