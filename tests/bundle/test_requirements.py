"""Requirement sources: requirements files (with -r), pyproject dependencies, uv.lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle import install, requirements
from shoehorn.config import load
from shoehorn.errors import BuildError
from tests.bundle.conftest import WSGI_APP, write_app


def test_nested_requirement_files_are_inlined(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": "-r reqs/base.txt\nflask\n",
                         "reqs/base.txt": "itsdangerous==2.2.0\n"})
    reqs = requirements.resolve(load(tmp_path), install.uv_binary())
    assert "itsdangerous==2.2.0" in reqs.text and "flask" in reqs.text and "-r" not in reqs.text


def test_missing_nested_file(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": "-r nope.txt\n"})
    with pytest.raises(BuildError, match="nope.txt"):
        requirements.resolve(load(tmp_path), install.uv_binary())


def test_pyproject_dependencies(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP,
                         "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask>=3"]\n'})
    reqs = requirements.resolve(load(tmp_path), install.uv_binary())
    assert reqs.text.split() == ["flask>=3"] and not reqs.empty


def test_no_requirements_is_empty(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP})
    assert requirements.resolve(load(tmp_path), install.uv_binary()).empty


@pytest.mark.slow
def test_uv_lock_is_exported_pinned(tmp_path: Path) -> None:
    import subprocess

    write_app(tmp_path, {"app.py": WSGI_APP, "pyproject.toml":
                         '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10"\n'
                         'dependencies = ["itsdangerous"]\n'})
    uv = install.uv_binary()
    subprocess.run([uv, "lock", "--quiet"], cwd=tmp_path, check=True)
    config = load(tmp_path)
    assert config.requirements_kind == "uv.lock"
    text = requirements.resolve(config, uv).text
    assert "itsdangerous==" in text and "\nx" not in text


def test_local_path_requirements_carry_their_content_digest(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": "./libs/helper\nflask\n",
                         "libs/helper/pyproject.toml": "[project]\nname = 'helper'\n",
                         "libs/helper/helper/__init__.py": "X = 1\n"})
    uv = install.uv_binary()
    before = requirements.resolve(load(tmp_path), uv).text
    assert "./libs/helper  # tree-sha256=" in before and "\nflask\n" in before
    (tmp_path / "libs/helper/helper/__init__.py").write_text("X = 2\n")
    assert requirements.resolve(load(tmp_path), uv).text != before  # so the dependency cache misses
