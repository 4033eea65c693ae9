"""Microdot from its sdist: the README's app, whose Microdot runs only on Microdot's own server."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
MICRODOT = "microdot==2.7.0"


def readme_example(archive) -> str:
    """The README's first python code block, as one would save it."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.md"))
        text = tar.extractfile(member).read().decode()
    return text.split("```python\n", 1)[1].split("```", 1)[0]


def test_microdot_readme_app_is_told_to_import_the_asgi_microdot_and_then_routes_under_the_stage(sandbox) -> None:
    project = sandbox.root / "hello"
    project.mkdir()
    readme = readme_example(sdist(MICRODOT))
    (project / "app.py").write_text(readme)
    (project / "requirements.txt").write_text(f"{MICRODOT}\n")
    # found as app:app, it failed the bundle check with "it is not callable: pass the app object itself"
    refused = sandbox.shoehorn(project, "init")
    told = " ".join(refused.stderr.split())
    assert refused.returncode == 2 and "app.py:3 binds app = Microdot(): microdot's own Microdot" in told
    assert "`from microdot.asgi import Microdot`" in told
    # what the hint says, and what the build then says of the unguarded app.run() (tests/compat/test_bottle.py)
    (project / "app.py").write_text(readme.replace("from microdot import", "from microdot.asgi import")
                                    .replace("\napp.run()", '\nif __name__ == "__main__":\n    app.run()'))
    before = snapshot(project)
    sandbox.ok(project, "init")
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        # microdot.asgi routes on scope["path"] and never reads root_path: "/dev/" was a 404
        assert browser.get("/").text == "Hello, world!"
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
