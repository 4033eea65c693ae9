"""Django projects laid out as real ones are, not as `startproject` leaves them.

- brickdjango (PyPI), a project generator: settings split into ``config/settings/{base,development,
  production}.py`` read with django-environ, ``SECRET_KEY`` from a ``.env`` file beside them, manage.py
  defaulting to the development settings while wsgi.py still names the ``config.settings`` package.
  Its own ``create_project`` lays the project out; only its virtualenv and pip steps are left out.
- ``startproject`` inside ``src/`` with the requirements at the repository's root (a src layout).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.compat.conftest import Sandbox, database_outside_the_code, make_sandbox, sdist, unpack

pytestmark = pytest.mark.slow
django = pytest.importorskip("django")

BRICKDJANGO = "brickdjango==0.3.2"
DJANGO_ENVIRON = "django-environ==0.12.0"

# brickdjango's create_project, without the virtualenv it makes and the pip install it runs there
# (the test's Django is already installed): the project is laid out by the generator's own code.
GENERATE = r'''
import os, sys
sys.path.insert(0, sys.argv[1])
from django_custom_structure import project_setup
project_setup._get_env_choice = lambda: "venv"
project_setup._setup_venv = lambda base: (None, [sys.executable, "-m", "django"], "venv")
project_setup._write_requirements_txt = lambda *args: None
os.chdir(sys.argv[2])
project_setup.create_project("shop")
'''


@dataclass
class Generated:
    sandbox: Sandbox
    app: Path
    init_output: str
    refused: subprocess.CompletedProcess  # the first build, before the environment names SECRET_KEY
    built: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def brick(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    sandbox = make_sandbox(tmp_path_factory.mktemp("brickdjango"))
    tool = unpack(sdist(BRICKDJANGO), "django_custom_structure", sandbox.root / "tool" / "django_custom_structure")
    subprocess.run([sys.executable, "-c", GENERATE, str(tool.parent), str(sandbox.root)], check=True,
                   env=sandbox.env, capture_output=True, timeout=120)
    app = sandbox.root / "shop"
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n{DJANGO_ENVIRON}\n")
    init = sandbox.ok(app, "init")
    refused = sandbox.shoehorn(app, "build")
    database_outside_the_code(sandbox, app, app / "config" / "settings" / "development.py",
                              environment='SECRET_KEY = "not-a-secret-but-a-test"\n')
    return Generated(sandbox, app, init.stdout, refused, sandbox.ok(app, "build"))


def test_the_settings_manage_py_names_deploy_when_wsgi_py_names_the_empty_package(brick: Generated) -> None:
    # wsgi.py still says "config.settings", now a package whose __init__.py is empty: no settings at all
    assert "'config.settings'" in (brick.app / "config" / "wsgi.py").read_text()
    written = tomllib.loads((brick.app / "shoehorn.toml").read_text())
    assert written["app"] == "config.wsgi:application"
    assert written["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.development"


def test_a_secret_key_read_from_the_environment_is_named_with_where_to_set_it(brick: Generated) -> None:
    # build's check failed with django-environ's "Set the SECRET_KEY environment variable" and the hint
    # "fix the error above: it is raised the same way on Lambda"; the value sat in a .env the bundle leaves out
    assert brick.refused.returncode == 2, brick.refused.stderr
    said = " ".join(brick.refused.stderr.split())
    assert "Set the SECRET_KEY environment variable" in said
    assert 'add SECRET_KEY = "..." there' in said and "shoehorn.toml's [environment]" in said
    assert "config/settings/.env is left out of the bundle" in said
    # ALLOWED_HOSTS = [] answers 400 on AWS: the warning names the settings module's file, not a settings.py
    assert "config/settings/development.py" in " ".join(brick.built.stderr.split())


def test_the_generated_project_serves_its_admin_with_a_login(brick: Generated) -> None:
    sandbox, app = brick.sandbox, brick.app
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "migrate", "--noinput")
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "createsuperuser", "--noinput")
    with sandbox.dev_lambda(app) as (browser, _):
        login = browser.get("/admin/")
        assert login.status_code == 200 and login.url.path == "/dev/admin/login/"
        [stylesheet, *_] = re.findall(r'href="(/dev/static/[^"]+\.css)"', login.text)
        assert browser.get(stylesheet.removeprefix("/dev")).status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        home = browser.post("/admin/login/?next=/dev/admin/", data={
            "csrfmiddlewaretoken": token, "username": "admin", "password": "correct-horse"})
        assert home.status_code == 200 and "Site administration" in home.text


def test_a_project_under_src_is_found_and_its_static_files_served(tmp_path: Path) -> None:
    # src/manage.py, requirements at the root: init listed wsgi.py and asgi.py as "several candidate apps", and
    # with one picked, the project had no settings module: no collectstatic, an unstyled admin
    sandbox = make_sandbox(tmp_path)
    app = sandbox.root / "repo"
    (app / "src").mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "django", "startproject", "site3", "."], cwd=app / "src", check=True,
                   env=sandbox.env)
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n")
    init = sandbox.ok(app, "init")
    written = tomllib.loads((app / "shoehorn.toml").read_text())
    assert written["app"] == "site3.wsgi:application"
    assert written["environment"]["DJANGO_SETTINGS_MODULE"] == "site3.settings"
    assert "shoehorn run -- python src/manage.py migrate" in " ".join(init.stdout.split())
    built = sandbox.ok(app, "build")
    assert "static files" in built.stderr
    with sandbox.dev_lambda(app) as (browser, _):
        css = browser.get("/static/admin/css/base.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


MEZZANINE = "mezzanine==6.1.1"  # supports Django < 5: the bundle gets Django 4.2, whatever this machine has


def test_a_mezzanine_project_is_found_and_its_gitignored_local_settings_named(tmp_path: Path) -> None:
    # mezzanine-project's steps: startproject with the project_template its sdist ships, rendering
    # local_settings.py.template into local_settings.py (which the template's .gitignore lists: the build
    # leaves it out, and with it DATABASES and SECRET_KEY)
    sandbox = make_sandbox(tmp_path)
    template = unpack(sdist(MEZZANINE), "mezzanine/project_template", sandbox.root / "template")
    subprocess.run([sys.executable, "-m", "django", "startproject", "--template", str(template),
                    "--name", "local_settings.py.template", "mzsite"], cwd=sandbox.root, check=True, env=sandbox.env)
    app = sandbox.root / "mzsite"
    (app / "mzsite" / "local_settings.py.template").rename(app / "mzsite" / "local_settings.py")
    (app / "__init__.py").unlink()
    (app / "requirements.txt").write_text(f"{MEZZANINE}\ndjango==4.2.30\n")
    # manage.py and wsgi.py compute it: "%s.settings" % real_project_name("mzsite"); init gave up
    init = sandbox.ok(app, "init")
    assert tomllib.loads((app / "shoehorn.toml").read_text())["environment"] == {
        "DJANGO_SETTINGS_MODULE": "mzsite.settings"}
    assert "manage.py computes its DJANGO_SETTINGS_MODULE" in " ".join(init.stdout.split())
    said = " ".join(sandbox.ok(app, "build").stderr.split())
    assert "mzsite/local_settings.py is left out of the bundle (.gitignore or `exclude`)" in said
    assert 'include = ["mzsite/local_settings.py"]' in said
