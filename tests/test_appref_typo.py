"""A typo in the module part of `app` (flasker for flaskr) is named, not blamed on the requirements."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.appref import load as load_app, parse
from shoehorn.bundle import build
from shoehorn.config import load
from shoehorn.errors import AppCodeError, BuildError
from shoehorn.progress import Recorder, Warn

PYPROJECT = '[project]\nname = "flaskr"\nversion = "1"\ndependencies = ["flask"]\n'


def flaskr(directory: Path, requirements: tuple[str, str] = ("pyproject.toml", PYPROJECT)) -> Path:
    (directory / "flaskr").mkdir(parents=True)
    (directory / "flaskr" / "__init__.py").write_text("def create_app():\n    return None\n")
    (directory / requirements[0]).write_text(requirements[1])
    (directory / "shoehorn.toml").write_text('app = "flasker:create_app()"\n')
    return directory


def test_loading_the_config_warns_that_the_module_is_not_the_apps_and_names_the_close_one(tmp_path: Path) -> None:
    recorder = Recorder()
    config = load(flaskr(tmp_path / "app"), progress=recorder)
    assert config.app == "flasker:create_app()"  # may still come from a dependency: the bundle check decides
    warnings = [e.message for e in recorder.events if isinstance(e, Warn)]
    assert any("'flasker'" in w and "did you mean 'flaskr'?" in w for w in warnings), warnings


def test_no_warning_for_a_dependency_module_unlike_any_of_the_apps(tmp_path: Path) -> None:
    directory = flaskr(tmp_path / "app")
    (directory / "shoehorn.toml").write_text('app = "datasette.app:app"\n')
    recorder = Recorder()
    load(directory, progress=recorder)
    assert not [e for e in recorder.events if isinstance(e, Warn)]


def test_the_bundle_check_says_did_you_mean_for_the_apps_own_module(tmp_path: Path) -> None:
    # an empty requirements file: the app "has requirements", so the module could be a dependency's
    directory = flaskr(tmp_path / "app", ("requirements.txt", "# nothing yet\n"))
    with pytest.raises(AppCodeError) as caught:
        build(load(directory))
    assert "'flasker'" in caught.value.message
    assert "did you mean 'flaskr'?" in caught.value.hint and "add the package" not in caught.value.hint


def test_dev_says_did_you_mean_and_names_the_requirements_it_has(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    directory = flaskr(tmp_path / "app")
    monkeypatch.syspath_prepend(str(directory))
    with pytest.raises(AppCodeError) as caught:
        load_app(parse("flasker:create_app()"), directory)
    assert "did you mean 'flaskr'?" in caught.value.hint and "pip install" not in caught.value.hint
    (directory / "flaskr" / "__init__.py").write_text("import flask_not_installed_here\n")
    with pytest.raises(AppCodeError) as caught:
        load_app(parse("flaskr:create_app()"), directory)
    assert "pip install -e ." in caught.value.hint and "requirements.txt" not in caught.value.hint


def test_build_no_check_refuses_a_zip_without_the_apps_module(tmp_path: Path) -> None:
    directory = flaskr(tmp_path / "app", ("requirements.txt", "# nothing yet\n"))
    with pytest.raises(BuildError) as caught:
        build(load(directory), check=False)
    assert "holds no module 'flasker'" in caught.value.message and "did you mean 'flaskr'?" in caught.value.hint
    assert not list((directory / ".shoehorn" / "build").glob("*.zip"))
    (directory / "shoehorn.toml").write_text('app = "flaskr:create_app()"\n')
    assert build(load(directory), check=False).path.is_file()


def test_dev_without_any_requirements_file_says_to_create_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "noreq_case.py").write_text("import fastapi_not_installed_here\napp = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppCodeError) as caught:
        load_app(parse("noreq_case:app"), tmp_path)
    assert "no requirements file: create requirements.txt" in caught.value.hint
