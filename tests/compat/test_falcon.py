"""Falcon from its sdist: the README's ASGI app (things_advanced_asgi.py) and the tutorial's WSGI app (examples/look)."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
FALCON = "falcon==4.4.0"


def readme_block(archive, first_line: str) -> str:
    """The README's code block that starts with ``first_line``, dedented, as one would save it."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.rst"))
        text = tar.extractfile(member).read().decode()
    lines = text[text.index(first_line):].splitlines()
    kept = [lines[0]]
    for line in lines[1:]:
        if line.strip() and not line.startswith("    "):
            break
        kept.append(line)
    return "\n".join(line[4:] for line in kept) + "\n"


def test_falcon_asgi_readme_app_routes_under_the_stage(sandbox) -> None:
    project = sandbox.root / "things"
    project.mkdir()
    (project / "things_advanced_asgi.py").write_text(readme_block(sdist(FALCON), "    # examples/things_advanced_asgi.py"))
    (project / "requirements.txt").write_text(f"{FALCON}\nhttpx\n")
    before = snapshot(project)
    sandbox.ok(project, "init", "--app", "things_advanced_asgi:app")  # the README: uvicorn things_advanced_asgi:app
    sandbox.ok(project, "build")
    json_only = {"Accept": "application/json"}
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        # Falcon routes on scope["path"] below root_path: with the stage in it, every route answered 404
        listed = browser.get("/1/things", headers=json_only)
        assert listed.status_code == 200 and listed.headers["powered-by"] == "Falcon"
        assert listed.json()[0]["color"] == "green"
        created = browser.post("/1/things", json={"name": "ü"}, headers=json_only)
        assert created.status_code == 201 and created.headers["location"].startswith("/1/things/")
        assert browser.post("/1/things", content=b"x", headers={"Content-Type": "text/plain", **json_only}
                            ).status_code == 415  # its RequireJSON middleware ran
        assert browser.get("/nothing", headers=json_only).status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)


def test_falcon_tutorial_wsgi_app_is_found_by_its_get_app_factory(sandbox) -> None:
    # look/app.py: create_app(image_store) and get_app(), which the tutorial hands gunicorn
    project = unpack(sdist(FALCON), "examples/look", sandbox.root / "look")
    sandbox.ok(project, "init")
    assert 'app = "look.app:get_app()"' in (project / "shoehorn.toml").read_text()
