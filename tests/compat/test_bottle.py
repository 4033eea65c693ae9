"""Bottle from its sdist: the README's example, which serves Bottle's default app with run() at import."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
BOTTLE = "bottle==0.13.4"
RUN = "run(host='localhost', port=8080)"


def readme_example(archive) -> str:
    """The README's first python code block, dedented, as one would save it."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.rst"))
        text = tar.extractfile(member).read().decode()
    kept = []
    for line in text.split(".. code-block:: python", 1)[1].splitlines()[1:]:
        if line.strip() and not line.startswith("  "):
            break
        kept.append(line[2:])
    return "\n".join(kept).strip() + "\n"


def test_bottle_readme_app_is_told_what_to_change_and_then_serves(sandbox) -> None:
    project = sandbox.root / "hello"
    project.mkdir()
    readme = readme_example(sdist(BOTTLE))
    assert readme.rstrip().endswith(RUN)
    (project / "app.py").write_text(readme)
    (project / "requirements.txt").write_text(f"{BOTTLE}\n")
    unfound = sandbox.shoehorn(project, "init")
    told = " ".join(unfound.stderr.split())
    assert unfound.returncode == 2 and f"starts a server at import ({RUN})" in told and "default_app()" in told
    # the app named, the run() left: the build says so at once (its check waited a minute on the server)
    (project / "app.py").write_text(readme.replace(RUN, f"import bottle\napp = bottle.default_app()\n{RUN}"))
    sandbox.ok(project, "init")
    refused = sandbox.shoehorn(project, "build", timeout=30)
    assert refused.returncode == 2 and "starts a web server when the app is imported" in refused.stderr
    (project / "app.py").write_text(readme.replace(
        RUN, f"import bottle\napp = bottle.default_app()\n\nif __name__ == '__main__':\n    {RUN}"))
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        hello = browser.get("/hello/wörld")
        assert hello.status_code == 200 and hello.text == "<b>Hello wörld</b>!"
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
