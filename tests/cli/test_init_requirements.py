"""`shoehorn init` without a requirements file: the absence is not frozen, and a missing one is said."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load


def test_no_requirements_file_is_left_to_discovery_so_one_added_later_is_used(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("app = object()\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    text = (tmp_path / "shoehorn.toml").read_text()
    assert "requirements" not in tomllib.loads(text)  # commented: shown, not set
    assert "# requirements = " in text
    (tmp_path / "requirements.txt").write_text("fastapi\n")
    assert load(tmp_path).requirements == tmp_path / "requirements.txt"


def test_an_app_importing_packages_without_a_requirements_file_is_warned(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.py").write_text("import os\nfrom fastapi import FastAPI\nfrom . import x\nimport helpers\n"
                                      "import uvicorn.config\napp = FastAPI()\n")
    (tmp_path / "helpers.py").write_text("import json\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "warning:" in err and "fastapi, uvicorn" in err and "requirements.txt" in err
    assert "imports fastapi, uvicorn, but" in err  # not os (stdlib), helpers (the app's own) or the relative import


def test_no_warning_when_the_app_imports_only_the_standard_library(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text("import json\n\ndef app(environ, start_response):\n    pass\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_requirements_in_the_folder_above_are_named_with_the_setting_that_uses_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a repository with backend/manage.py and requirements.txt at its root: init said "create requirements.txt"
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("django\n")
    backend = tmp_path / "backend"
    (backend / "site1").mkdir(parents=True)
    (backend / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n")
    (backend / "site1" / "__init__.py").write_text("")
    (backend / "site1" / "settings.py").write_text("from django.conf import global_settings\n")
    (backend / "site1" / "wsgi.py").write_text("from django.core.wsgi import get_wsgi_application\n"
                                               "application = get_wsgi_application()\n")
    assert main(["init", "-C", str(backend)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "imports django" in err and 'set requirements = "../requirements.txt" in shoehorn.toml' in err
    (tmp_path / "requirements.txt").unlink()
    (backend / "shoehorn.toml").unlink()
    assert main(["init", "-C", str(backend)]) == 0  # nothing above (the repository's root ends the search)
    assert "create requirements.txt" in " ".join(capsys.readouterr().err.split())
    (tmp_path / "requirements.txt").write_text("django\n")
    (backend / ".git").mkdir()  # the app directory is the repository: a file above it is another project's
    (backend / "shoehorn.toml").unlink()
    assert main(["init", "-C", str(backend)]) == 0
    assert "create requirements.txt" in " ".join(capsys.readouterr().err.split())
