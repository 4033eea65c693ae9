"""ASGI apps nobody here wrote: FastAPI's "bigger applications" docs app and Quart's README quickstart."""

from __future__ import annotations

import re
import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
FASTAPI = "fastapi==0.115.6"
QUART = "quart==0.20.0"


def test_fastapi_bigger_applications_routers_and_dependencies(sandbox) -> None:
    # docs_src/bigger_applications/app is the package the tutorial builds: app/main.py, routers/, internal/.
    project = sandbox.root / "bigger"
    unpack(sdist(FASTAPI), "docs_src/bigger_applications/app", project / "app")
    (project / "requirements.txt").write_text(f"{FASTAPI}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")
    assert 'app = "app.main:app"' in (project / "shoehorn.toml").read_text()
    sandbox.ok(project, "build")
    token, header = {"token": "jessica"}, {"X-Token": "fake-super-secret-token"}
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        assert browser.get("/", params=token).json() == {"message": "Hello Bigger Applications!"}
        assert browser.get("/").status_code == 422  # the app-wide query dependency
        assert browser.get("/users/me", params=token).json() == {"username": "fakecurrentuser"}
        assert browser.get("/items/plumbus", params=token, headers=header).json() == {
            "name": "Plumbus", "item_id": "plumbus"}
        assert browser.get("/items/plumbus", params=token, headers={"X-Token": "no"}).status_code == 400
        assert browser.put("/items/gun", params=token, headers=header).status_code == 403
        assert browser.post("/admin/", params=token, headers=header).json() == {"message": "Admin getting schwifty"}
        docs = browser.get("/docs")
        assert docs.status_code == 200 and "/dev/openapi.json" in docs.text  # root_path is the stage
        assert "/items/{item_id}" in browser.get("/openapi.json").json()["paths"]
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)


def quickstart(archive) -> str:
    """The first Python block of the sdist's README: the app the README tells you to save as app.py."""
    with tarfile.open(archive) as tar:
        readme = next(m for m in tar.getmembers() if m.name.endswith("/README.md"))
        text = tar.extractfile(readme).read().decode()
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


def test_quart_readme_app(sandbox) -> None:
    project = sandbox.root / "quart-app"
    project.mkdir()
    (project / "app.py").write_text(quickstart(sdist(QUART)))
    (project / "requirements.txt").write_text(f"{QUART}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")
    assert 'app = "app:app"' in (project / "shoehorn.toml").read_text()
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        answer = browser.get("/api")
        assert answer.status_code == 200 and answer.json() == {"hello": "world"}
        assert browser.get("/nothing-here").status_code == 404
        assert browser.get("/").status_code == 500  # the README's index.html template is not part of it
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
