"""No app in the directory: the hint points at a nearby app directory, not at `app = ...` here."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load
from shoehorn.discovery import discover
from shoehorn.errors import ConfigError


def app_dir(path: Path, marker: str = "shoehorn.toml", text: str = 'app = "flaskr:create_app()"\n') -> Path:
    path.mkdir(parents=True)
    (path / marker).write_text(text)
    (path / "flaskr").mkdir()
    (path / "flaskr" / "__init__.py").write_text("def create_app():\n    pass\n")
    (path / "flaskr" / "templates").mkdir()
    return path


def test_in_the_parent_of_an_app_directory_the_hint_names_it(tmp_path: Path) -> None:
    app = app_dir(tmp_path / "apps" / "flaskr")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path / "apps")
    assert f"run it in {app}, or pass -C {app}" in caught.value.hint
    assert "set app" not in caught.value.hint


def test_in_a_subfolder_of_an_app_directory_the_hint_names_it(tmp_path: Path) -> None:
    app = app_dir(tmp_path / "flaskr")
    with pytest.raises(ConfigError) as caught:
        load(app / "flaskr" / "templates")
    assert f"run it in {app}, or pass -C {app}" in caught.value.hint


@pytest.mark.parametrize("marker, text", [("pyproject.toml", "[tool.shoehorn]\nmemory = 256\n"),
                                          ("manage.py", "import os\n")])
def test_a_pyproject_with_tool_shoehorn_or_a_manage_py_marks_an_app_directory(tmp_path: Path, marker: str,
                                                                              text: str) -> None:
    app = app_dir(tmp_path / "site", marker, text)
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert f"pass -C {app}" in caught.value.hint


def test_a_pyproject_of_another_tool_marks_nothing(tmp_path: Path) -> None:
    app_dir(tmp_path / "lib", "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "-C" not in caught.value.hint and 'app = "module:attribute"' in caught.value.hint


def test_the_looked_for_list_names_django_and_the_cli_says_where_to_run(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    app = app_dir(tmp_path / "flaskr")
    assert main(["build", "-C", str(app / "flaskr" / "templates")]) == ConfigError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert "manage.py" in err and f"pass -C {app}" in err
