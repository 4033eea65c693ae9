"""A project made by ``django-admin startproject`` + ``startapp``: found from manage.py, static files served."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.compat.conftest import (Sandbox, assert_wrote_nothing_into_its_code, database_outside_the_code, make_sandbox,
                                   snapshot)

pytestmark = pytest.mark.slow
django = pytest.importorskip("django")


@dataclass
class Project:
    sandbox: Sandbox
    app: Path
    init_output: str
    build_output: str
    before: dict[str, str]  # the app directory once configured


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """startproject + startapp, `shoehorn init` with no config, the database set, `shoehorn build`: once."""
    sandbox = make_sandbox(tmp_path_factory.mktemp("django"))
    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite"], cwd=sandbox.root, check=True,
                   env=sandbox.env)
    app = sandbox.root / "mysite"
    subprocess.run([sys.executable, "manage.py", "startapp", "polls"], cwd=app, check=True, env=sandbox.env)
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n")
    init = sandbox.ok(app, "init")
    written = tomllib.loads((app / "shoehorn.toml").read_text())
    assert written["app"] == "mysite.wsgi:application"
    assert written["environment"]["DJANGO_SETTINGS_MODULE"] == "mysite.settings"
    database_outside_the_code(sandbox, app, app / "mysite" / "settings.py")
    before = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    built = sandbox.ok(app, "build")
    return Project(sandbox, app, init.stdout, built.stderr, before)


def test_django_is_found_from_manage_py_and_the_admin_is_styled(project: Project) -> None:
    assert "network database" in " ".join(project.init_output.split()) and "shoehorn run" in project.init_output
    assert "static files" in project.build_output
    # startproject's STATIC_URL is "static/"; Django's settings object returns it as "/static/" (with the
    # script prefix), which the build once took for an absolute URL and warned about
    assert "STATIC_URL is" not in project.build_output and "'static/'" in " ".join(project.build_output.split())
    assert "ALLOWED_HOSTS" in project.build_output  # startproject's [] would answer 400 to every request on AWS
    with project.sandbox.dev_lambda(project.app) as (browser, _):
        bundles = {root: snapshot(root) for root in project.sandbox.task_roots(project.app)}
        missing = browser.get("/no-such-page/")
        assert missing.status_code == 404
        # The admin's stylesheet, where the login page links it (under the stage: /dev/static/...).
        css = browser.get("/static/admin/css/base.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert "body" in css.text
    assert_wrote_nothing_into_its_code(project.app, project.before, project.sandbox, bundles)


def test_shoehorn_dev_serves_the_static_files_the_function_serves(project: Project) -> None:
    # the deployed function serves STATIC_URL (build collects it); `shoehorn dev` answered 404 there
    from tests.local.servers import free_port, start

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "shoehorn", "dev", "--no-reload", "--port", str(port), "-C", str(project.app)]
    server = start(command, project.sandbox.root / f"dev-{port}.log", base, probe=base + "/admin/login/",
                   cwd=project.sandbox.root, env=project.sandbox.env, timeout=120)
    try:
        css = httpx.get(base + "/static/admin/css/base.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and "body" in css.text
        assert httpx.get(base + "/static/no-such-file.css").status_code == 404
    finally:
        server.stop()


def test_django_admin_login_csrf_post_and_session_round_trip(project: Project) -> None:
    sandbox, app = project.sandbox, project.app
    migrated = sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "migrate", "--noinput")
    assert "Applying auth" in migrated.stdout
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "createsuperuser", "--noinput")
    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        login = browser.get("/admin/")  # redirected to the login page, under the stage prefix
        assert login.status_code == 200 and login.url.path == "/dev/admin/login/"
        stylesheets = re.findall(r'href="([^"]+\.css)"', login.text)
        assert stylesheets and all(href.startswith("/dev/static/") for href in stylesheets)
        for href in stylesheets:
            assert browser.get(href.removeprefix("/dev")).status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        assert "csrftoken" in browser.cookies
        wrong = browser.post("/admin/login/?next=/dev/admin/", data={
            "csrfmiddlewaretoken": token, "username": "admin", "password": "wrong"})
        assert wrong.status_code == 200 and "correct username and password" in wrong.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', wrong.text).group(1)
        home = browser.post("/admin/login/?next=/dev/admin/", data={
            "csrfmiddlewaretoken": token, "username": "admin", "password": "correct-horse"})
        assert home.status_code == 200 and "Site administration" in home.text and "sessionid" in browser.cookies
        assert "Site administration" in browser.get("/admin/").text  # the session cookie comes back
        forged = browser.post("/admin/logout/", data={}, headers={"X-CSRFToken": "forged"})
        assert forged.status_code == 403  # CSRF protection holds behind the gateway
    assert_wrote_nothing_into_its_code(app, project.before, sandbox, bundles)


MANIFEST_SETTINGS = '''
DEBUG = False
ALLOWED_HOSTS = ["*"]
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
'''


def test_manifest_static_storage_finds_its_manifest_and_an_absolute_static_url_is_named(tmp_path: Path) -> None:
    # Wagtail's production settings (and WhiteNoise's setup): the storage reads staticfiles.json from
    # STATIC_ROOT at run time; build collected it elsewhere and every {% static %} page answered 500
    sandbox = make_sandbox(tmp_path)
    subprocess.run([sys.executable, "-m", "django", "startproject", "site1"], cwd=sandbox.root, check=True,
                   env=sandbox.env)
    app = sandbox.root / "site1"
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n")
    with (app / "site1" / "settings.py").open("a") as settings:
        settings.write(MANIFEST_SETTINGS)
    (app / "staticfiles").mkdir()
    (app / "staticfiles" / "stale.css").write_text("/* a local collectstatic left this */")
    built = sandbox.ok(app, "build")
    assert "STATIC_URL is '/static/'" in " ".join(built.stderr.split())  # the links would miss /dev
    with sandbox.dev_lambda(app) as (browser, _):
        login = browser.get("/admin/login/")
        assert login.status_code == 200, login.text[-2000:]
        hashed = re.search(r'href="/static/(admin/css/base\.[0-9a-f]{12}\.css)"', login.text)
        assert hashed, login.text[:2000]
        assert browser.get("/static/" + hashed.group(1)).status_code == 200
        [root] = sandbox.task_roots(app)
        assert (root / "staticfiles" / "staticfiles.json").is_file() and not (root / "staticfiles" / "stale.css").exists()


WHITENOISE_SETTINGS = '''
DEBUG = False
ALLOWED_HOSTS = ["*"]
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
'''


def test_a_project_using_whitenoise_has_its_static_files_served_by_whitenoise(tmp_path: Path) -> None:
    # QA: shoehorn's own static wrapper answered before the middleware ran, so WhiteNoise's compressed
    # files, ETags and 304s never reached the browser
    sandbox = make_sandbox(tmp_path)
    subprocess.run([sys.executable, "-m", "django", "startproject", "site2"], cwd=sandbox.root, check=True,
                   env=sandbox.env)
    app = sandbox.root / "site2"
    (app / "requirements.txt").write_text(f"django=={django.__version__}\nwhitenoise==6.9.0\n")
    with (app / "site2" / "settings.py").open("a") as settings:
        settings.write(WHITENOISE_SETTINGS)
    built = sandbox.ok(app, "build")
    said = " ".join(built.stderr.split())
    assert "served under STATIC_URL 'static/' by WhiteNoise (in MIDDLEWARE)" in said
    assert "its links miss the stage prefix" in said  # WhiteNoise fixes its URLs before the first request
    # at the root of the URL, as a custom domain serves it
    with sandbox.dev_lambda(app, source="http") as (browser, _):
        login = browser.get("/admin/login/")
        assert login.status_code == 200, login.text[-2000:]
        hashed = re.search(r'href="/static/(admin/css/base\.[0-9a-f]{12}\.css)"', login.text)
        assert hashed, login.text[:2000]
        css = browser.get("/static/" + hashed.group(1), headers={"Accept-Encoding": "gzip"})
        assert css.status_code == 200 and css.headers["content-encoding"] == "gzip", css.headers
        assert "accept-encoding" in css.headers["vary"].lower()
        again = browser.get("/static/" + hashed.group(1), headers={"If-None-Match": css.headers["etag"]})
        assert again.status_code == 304
