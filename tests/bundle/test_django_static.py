"""A Django project's static files: collected by every `build`, collected again by `dev --lambda` only
when something the last collectstatic read has changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shoehorn.bundle import build, django_static
from shoehorn.bundle.build import contents
from shoehorn.config import load

pytestmark = pytest.mark.slow
django = pytest.importorskip("django")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``django-admin startproject`` with Django from PyPI in its requirements, as a user has it."""
    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite"], cwd=tmp_path, check=True)
    app = tmp_path / "mysite"
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n")
    return app


def test_collectstatic_runs_again_only_when_a_file_it_read_or_the_shipped_files_change(project, monkeypatch):
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
