"""Sanic from its sdist, in ASGI mode: the README's hello world, saved as hello.py (as `sanic hello.app` runs it)."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
SANIC = "sanic==25.12.1"


def readme_hello(archive) -> str:
    """The README's "Hello World Example" code block, dedented, as one would save it."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.rst"))
        text = tar.extractfile(member).read().decode()
    block = text[text.index("Hello World Example"):].split(".. code:: python", 1)[1]
    kept = []
    for line in block.splitlines()[1:]:
        if line.strip() and not line.startswith("    "):
            break
        kept.append(line[4:])
    return "\n".join(kept).strip() + "\n"


def test_sanic_readme_app_is_named_by_the_hint_and_routes_under_the_stage(sandbox) -> None:
    project = sandbox.root / "hello"
    project.mkdir()
    (project / "hello.py").write_text(readme_hello(sdist(SANIC)))
    (project / "requirements.txt").write_text(f"{SANIC}\n")
    before = snapshot(project)
    unfound = sandbox.shoehorn(project, "init")
    assert unfound.returncode == 2 and "shoehorn init --app hello:app" in " ".join(unfound.stderr.split())
    sandbox.ok(project, "init", "--app", "hello:app")
    built = sandbox.ok(project, "build")
    assert "GET / -> 200" in built.stderr  # Sanic routed raw_path "/check/" and answered 404
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        hello = browser.get("/")
        assert hello.status_code == 200 and hello.json() == {"hello": "world"}
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
