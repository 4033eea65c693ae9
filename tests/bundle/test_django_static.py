"""collectstatic's failure hint: a missing module is the requirements' fault, not this machine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle import django_static
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
