"""collectstatic: its failure hint (a missing module is the requirements' fault, not this machine's), and
its reuse by `dev --lambda` only while nothing the last collection read has changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shoehorn.bundle import build, django_static
from shoehorn.bundle.build import contents
from shoehorn.config import load
from shoehorn.errors import BuildError
from tests.bundle.conftest import write_app

MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"


def project(directory: Path, **extra: str) -> Path:
    files = {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": "", "proj/wsgi.py": "application = 1\n"}
    return write_app(directory, {**files, **extra})


def test_django_missing_from_the_bundle_says_the_app_has_no_requirements(tmp_path: Path) -> None:
    directory = project(tmp_path / "site")
    with pytest.raises(BuildError) as caught:
        django_static.collect(load(directory), tmp_path / "empty-deps")
    assert "No module named 'django'" in caught.value.message
    assert "shows the same" not in caught.value.hint
    assert "no requirements file" in caught.value.hint and "requirements.txt" in caught.value.hint


def test_a_module_missing_from_the_requirements_is_named_with_them(tmp_path: Path) -> None:
    directory = project(tmp_path / "site", **{"requirements.txt": "gunicorn\n"})
    with pytest.raises(BuildError) as caught:
        django_static.collect(load(directory), tmp_path / "empty-deps")
    assert "shows the same" not in caught.value.hint
    assert "requirements.txt installs no 'django'" in caught.value.hint


@pytest.fixture
def startproject(tmp_path: Path) -> Path:
    """``django-admin startproject`` with Django from PyPI in its requirements, as a user has it."""
    django = pytest.importorskip("django")
    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite"], cwd=tmp_path, check=True)
    app = tmp_path / "mysite"
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n")
    return app


@pytest.mark.slow
def test_collectstatic_runs_again_only_when_a_file_it_read_or_the_shipped_files_change(startproject, monkeypatch):
    project = startproject
    runs = []
    real_run = subprocess.run

    def counted(command, *args, **kwargs):
        if any(django_static.MARKER in str(part) for part in command):  # (uv runs through it too)
            runs.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(django_static.subprocess, "run", counted)

    def collected() -> set[str]:
        parts = contents(load(project), reuse_static=True)
        return {name for name in parts.app if name.startswith("shoehorn_static/")}

    first = collected()
    assert "shoehorn_static/admin/css/base.css" in first and len(runs) == 1
    urls = project / "mysite" / "urls.py"
    urls.write_text(urls.read_text() + "\n# an edit collectstatic never reads\n")
    assert collected() == first and len(runs) == 1
    settings = project / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + "\n# settings decide what is collected\n")
    assert collected() == first and len(runs) == 2
    (project / "static").mkdir()
    (project / "static" / "site.css").write_text("body {}\n")
    settings.write_text(settings.read_text() + "STATICFILES_DIRS = [BASE_DIR / 'static']\n")
    assert collected() == first | {"shoehorn_static/site.css"} and len(runs) == 3
    (project / "static" / "more.css").write_text("p {}\n")  # a new file in a folder it listed
    assert collected() == first | {"shoehorn_static/site.css", "shoehorn_static/more.css"} and len(runs) == 4
    (project / "static" / "site.css").write_text("body { color: red }\n")  # a static file it copied
    parts = contents(load(project), reuse_static=True)
    assert parts.app["shoehorn_static/site.css"].read() == b"body { color: red }\n" and len(runs) == 5
    build(load(project), check=False)  # `build` never reuses a collection
    assert len(runs) == 6


@pytest.mark.slow
def test_a_media_root_in_the_app_directory_is_named_as_read_only_on_lambda(startproject) -> None:
    # QA (wagtail start): MEDIA_ROOT = BASE_DIR / "media", and an image upload failed once deployed
    settings = next(startproject.glob("*/settings.py"))
    text = settings.read_text()

    def warnings(media_root: str) -> str:
        settings.write_text(text + f"\nMEDIA_ROOT = {media_root}\n")
        said = []
        contents(load(startproject), progress=said.append)
        return " ".join(" ".join(str(getattr(event, "message", "")).split()) for event in said)

    said = warnings('BASE_DIR / "media"')
    assert "MEDIA_ROOT is 'media' in the app directory, which is read-only on Lambda" in said
    assert "MEDIA_ROOT" not in warnings('"/mnt/efs/media"')  # outside the bundle: the app's own business


CONFIGURATIONS = '''
from configurations import Configuration


class Dev(Configuration):
    SECRET_KEY = "not-a-secret"
    INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                      "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles"]
    STATIC_URL = "static/"


class Prod(Dev):
    STATIC_URL = "assets/"
'''


@pytest.mark.slow
def test_a_django_configurations_project_collects_with_the_class_its_wsgi_py_names(tmp_path: Path) -> None:
    # django-configurations (settings as classes, read by its importer): collectstatic failed every build with
    # "django-configurations settings importer wasn't correctly installed"
    django = pytest.importorskip("django")
    setdefault = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n" \
                 "os.environ.setdefault('DJANGO_CONFIGURATION', '{}')\n"
    directory = write_app(tmp_path / "site", {
        "requirements.txt": f"django=={django.__version__}\ndjango-configurations==2.5.1\n",
        "manage.py": setdefault.format("Dev"), "proj/__init__.py": "", "proj/settings.py": CONFIGURATIONS,
        "proj/wsgi.py": setdefault.format("Prod") + "from configurations.wsgi import get_wsgi_application\n"
                                                     "application = get_wsgi_application()\n"})
    config = load(directory)
    assert config.environment["DJANGO_CONFIGURATION"] == "Prod"  # the function's too, so `shoehorn run` agrees
    parts = contents(config)
    assert "shoehorn_static/admin/css/base.css" in parts.app
    # Prod's STATIC_URL, the class the function runs (wsgi.py's default), is the one the function serves
    assert b"'assets/'" in parts.app["shoehorn_handler.py"].read()
