"""flaskr, the Flask tutorial's blog, from the Flask sdist: an app factory in a package, unmodified."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
FLASK = "flask==3.1.0"


def test_flaskr_register_log_in_post_and_log_out(sandbox) -> None:
    app = unpack(sdist(FLASK), "examples/tutorial", sandbox.root / "flaskr-app")
    before = snapshot(app)

    done = sandbox.ok(app, "init")  # zero-config: the factory flaskr:create_app() is found
    assert tomllib.loads((app / "shoehorn.toml").read_text())["app"] == "flaskr:create_app()"
    # The tutorial keeps its database in the instance folder, inside the (read-only) code; the
    # factory takes its settings as a keyword, which a factory reference may pass as a literal.
    database = sandbox.root / "data" / "flaskr.sqlite"
    database.parent.mkdir()
    factory = f"flaskr:create_app(test_config={{'DATABASE': '{database}'}})"
    config = (app / "shoehorn.toml").read_text().replace('"flaskr:create_app()"', f'"{factory}"')
    (app / "shoehorn.toml").write_text(config)

    built = sandbox.ok(app, "build")
    # its index reads a database not yet made (init-db below): the summary says what GET / answered
    assert "import passed; GET / answered 500" in built.stdout
    initialised = sandbox.ok(app, "run", "--local", "--", "flask", "--app", factory, "init-db")
    assert "Initialized the database." in initialised.stdout and database.is_file()

    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        page = browser.get("/auth/register")
        assert page.status_code == 200 and 'name="username"' in page.text
        registered = browser.post("/auth/register", data={"username": "ada", "password": "lovelace"})
        assert registered.status_code == 200 and str(registered.url).endswith("/dev/auth/login")
        logged_in = browser.post("/auth/login", data={"username": "ada", "password": "lovelace"})
        assert logged_in.status_code == 200 and "Log Out" in logged_in.text and "ada" in logged_in.text
        assert str(logged_in.url).endswith("/dev/")
        created = browser.post("/create", data={"title": "From Lambda", "body": "shoehorned"})
        assert created.status_code == 200 and "From Lambda" in created.text
        assert re.search(r'href="/dev/1/update"', created.text)  # url_for knows the stage prefix
        css = browser.get("/static/style.css")
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        logged_out = browser.get("/auth/logout")
        assert "Log In" in logged_out.text and "Log Out" not in logged_out.text
        assert "From Lambda" in logged_out.text  # the post lasts: it is in the database under data/
    assert_wrote_nothing_into_its_code(app, before, sandbox, bundles)
