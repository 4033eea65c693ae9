"""starlette-admin's README quickstart, taken from its sdist: a FastAPI app whose lifespan creates its SQLite
tables, an admin mounted at /admin with its own static files, CSRF-protected forms and 303 redirects."""

from __future__ import annotations

import re
import tarfile
import tomllib

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
STARLETTE_ADMIN = "starlette-admin==1.0.3"
REQUIREMENTS = f"{STARLETTE_ADMIN}\nfastapi==0.115.6\nsqlalchemy[asyncio]==2.1.9\n"


def _quickstart() -> str:
    """The first Python block of the README, as a user copies it into main.py."""
    with tarfile.open(sdist(STARLETTE_ADMIN)) as tar:
        top = tar.getmembers()[0].name.split("/")[0]
        readme = tar.extractfile(f"{top}/README.md").read().decode()
    return re.search(r"```python\n(.*?)```", readme, re.S).group(1)


def test_starlette_admin_quickstart_is_told_where_its_database_can_go_then_serves_its_admin(sandbox) -> None:
    app = sandbox.root / "blog"
    app.mkdir()
    code = _quickstart()
    assert 'create_engine("sqlite:///blog.db"' in code and "Base.metadata.create_all(engine)" in code
    (app / "main.py").write_text(code)
    (app / "requirements.txt").write_text(REQUIREMENTS)
    sandbox.ok(app, "init")
    assert tomllib.loads((app / "shoehorn.toml").read_text())["app"] == "main:app"

    # its lifespan creates blog.db beside the code, which is read-only on Lambda: named, with the fix
    refused = sandbox.shoehorn(app, "build")
    said = " ".join(refused.stderr.split())
    assert refused.returncode != 0
    assert "writes into its own directory while starting the app (its ASGI lifespan startup): blog.db (main.py:" \
        in said, refused.stderr
    assert "SQLite databases under /tmp" in said and "lifespan.py" not in said

    # what the user does: the database URL from the function's environment
    database = sandbox.root / "data" / "blog.db"
    database.parent.mkdir()
    (app / "main.py").write_text('import os\n' + code.replace(
        'create_engine("sqlite:///blog.db"', 'create_engine(os.environ.get("DATABASE_URL", "sqlite:///blog.db")'))
    config = (app / "shoehorn.toml").read_text()
    (app / "shoehorn.toml").write_text(config.replace("[environment]\n", f'[environment]\nDATABASE_URL = '
                                                                         f'"sqlite:///{database}"\n', 1))
    before = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    sandbox.ok(app, "build")

    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        home = browser.get("/admin")
        assert home.status_code == 200 and home.url.path == "/dev/admin/"  # its 307 kept the stage
        stylesheets = re.findall(r'href="([^"]+\.css[^"]*)"', home.text)
        assert stylesheets and all(href.startswith(str(browser.base_url) + "admin/static/") for href in stylesheets)
        for href in stylesheets:
            assert browser.get(href).headers["content-type"].startswith("text/css")
        form = browser.get("/admin/post/create")
        token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
        fields = {"title": "From Lambda", "content": "shoehorned", "published": "on"}
        assert browser.post("/admin/post/create", data=fields).status_code == 403  # no CSRF token
        listed = browser.post("/admin/post/create", data={**fields, "csrftoken": token})
        assert [r.status_code for r in listed.history] == [303] and listed.url.path == "/dev/admin/post/list"
        assert "From Lambda" in listed.text
    assert database.is_file()
    assert_wrote_nothing_into_its_code(app, before, sandbox, bundles)
