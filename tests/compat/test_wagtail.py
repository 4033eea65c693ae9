"""Wagtail's project template, from its sdist, as `wagtail start mysite` makes it: found, built, migrated in the
function, and its admin used through the emulated API Gateway (CSRF login, a page edited and published)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tomllib

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, database_outside_the_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
pytest.importorskip("django")
# 7.0 LTS: its template asks for Django 5.2, which the Python running these tests can install (8.0's asks for
# 6.1, which needs Python 3.12: `build` then says to set a newer `runtime`)
WAGTAIL = "wagtail==7.0.10"


def _inputs(form: str) -> dict[str, str]:
    """The form's text fields as a browser would send them (check boxes and buttons left out)."""
    data = {}
    for attributes in re.findall(r"<input([^>]*)>", form):
        name, value = re.search(r'name="([^"]+)"', attributes), re.search(r'value="([^"]*)"', attributes)
        kind = re.search(r'type="([^"]+)"', attributes)
        if name and not (kind and kind.group(1) in ("checkbox", "submit", "file", "radio")):
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data


def test_wagtail_start_project_serves_its_site_and_admin_under_the_stage(sandbox) -> None:
    template = unpack(sdist(WAGTAIL), "wagtail/project_template", sandbox.root / "template")
    # what `wagtail start mysite` runs (wagtail/bin/wagtail.py)
    subprocess.run([sys.executable, "-m", "django", "startproject", f"--template={template}", "--ext=html,rst",
                    "--name=Dockerfile", "mysite"], cwd=sandbox.root, check=True, env=sandbox.env)
    app = sandbox.root / "mysite"
    sandbox.ok(app, "init")
    written = tomllib.loads((app / "shoehorn.toml").read_text())
    assert written["app"] == "mysite.wsgi:application"
    assert written["environment"]["DJANGO_SETTINGS_MODULE"] == "mysite.settings.dev"
    base = app / "mysite" / "settings" / "base.py"
    database_outside_the_code(sandbox, app, base)
    told = " ".join(sandbox.ok(app, "build").stderr.split())
    assert "STATIC_URL is '/static/'" in told and "MEDIA_ROOT is 'media'" in told
    base.write_text(base.read_text().replace('STATIC_URL = "/static/"', 'STATIC_URL = "static/"'))  # as told
    before = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    assert "STATIC_URL is" not in sandbox.ok(app, "build").stderr
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "migrate", "--noinput")
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "createsuperuser", "--noinput")

    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        welcome = browser.get("/")
        assert welcome.status_code == 200 and "Welcome to your new Wagtail site" in welcome.text
        assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))(?:\?[^"]*)?"', welcome.text)
        assert assets and all(href.startswith("/dev/static/") for href in assets)
        for href in assets:
            assert browser.get(href.removeprefix("/dev")).status_code == 200
        assert browser.get("/no-such-page/").status_code == 404

        login = browser.get("/admin/")  # redirected to the login page, under the stage prefix
        assert login.status_code == 200 and login.url.path == "/dev/admin/login/"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        dashboard = browser.post("/admin/login/?next=/dev/admin/", data={
            "csrfmiddlewaretoken": token, "username": "admin", "password": "correct-horse"})
        assert dashboard.status_code == 200 and dashboard.url.path == "/dev/admin/" and "sessionid" in browser.cookies

        editor = browser.get("/admin/pages/3/edit/")  # the home page the template's migration creates
        form = re.search(r'<form[^>]*id="page-edit-form".*?</form>', editor.text, re.S).group(0)
        published = browser.post("/admin/pages/3/edit/", data={
            **_inputs(form), "title": "Hello from Lambda", "action-publish": "action-publish"})
        assert published.status_code == 200 and published.url.path.startswith("/dev/admin/pages/")
        assert "<title>" in browser.get("/").text and "Hello from Lambda" in browser.get("/").text
        forged = browser.post("/admin/pages/3/edit/", data={"title": "forged"}, headers={"X-CSRFToken": "forged"})
        assert forged.status_code == 403  # CSRF protection holds behind the gateway
    assert_wrote_nothing_into_its_code(app, before, sandbox, bundles)

    # Its production settings (DEBUG off, ManifestStaticFilesStorage): Wagtail's admin reads STATIC_URL at
    # import, and Django kept it without the stage, so every static link answered 403 once deployed
    with (app / "shoehorn.toml").open("a") as config:
        config.write('\n[stages.prod.environment]\nDJANGO_SETTINGS_MODULE = "mysite.settings.production"\n'
                     'DJANGO_SECRET_KEY = "not-secret-in-a-test"\n'
                     f'SQLITE_PATH = "{sandbox.root / "data" / "db.sqlite3"}"\n')
    production = app / "mysite" / "settings" / "production.py"
    production.write_text(production.read_text() + '\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'
                          'ALLOWED_HOSTS = ["127.0.0.1", ".execute-api.us-east-1.amazonaws.com"]\n')
    told = " ".join(sandbox.ok(app, "build", "--stage", "prod").stderr.split())
    assert "STATIC_URL ('static/') was read while the app was imported" in told
    production.write_text(production.read_text() + "WAGTAILADMIN_STATIC_FILE_VERSION_STRINGS = False\n")  # as told
    assert "was read while the app was imported" not in sandbox.ok(app, "build", "--stage", "prod").stderr
    with sandbox.dev_lambda(app, stage="prod") as (browser, _):
        welcome = browser.get("/")
        assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))"', welcome.text)
        assert welcome.status_code == 200 and assets and all(href.startswith("/prod/static/") for href in assets)
        for href in assets:  # hashed names, from the manifest collectstatic wrote
            assert browser.get(href.removeprefix("/prod")).status_code == 200
