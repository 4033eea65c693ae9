"""What the bundle of an `app = "production.ini"` needs: the .ini shipped, PasteDeploy installed, and the
project's `egg:` entry points (which `pip install -e .` leaves locally and a bundle does not hold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle import missing, paste_app
from shoehorn.config import load
from shoehorn.errors import BuildError

INI = "[app:main]\nuse = egg:hello_world\n\n[server:main]\nuse = egg:waitress#main\n"
# the quick tour's setup.py, cut down: its entry points are literals, as the cookiecutter wrote them
SETUP_PY = """\
from setuptools import setup, find_packages

requires = ['plaster_pastedeploy', 'pyramid']

setup(
    name='hello_world',
    version='0.0',
    packages=find_packages(exclude=['tests']),
    install_requires=requires,
    entry_points={
        'paste.app_factory': [
            'main = hello_world:main',
        ],
    },
)
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "hello_world").mkdir(parents=True)
    (app / "hello_world" / "__init__.py").write_text("def main(global_config, **settings):\n    pass\n")
    (app / "production.ini").write_text(INI)
    (app / "requirements.txt").write_text("pyramid\nplaster_pastedeploy\n")
    return app


@pytest.fixture()
def deps(tmp_path: Path) -> Path:
    deps = tmp_path / "deps"
    (deps / "paste" / "deploy").mkdir(parents=True)
    (deps / "PasteDeploy-3.1.0.dist-info").mkdir()
    return deps


def text(entries: dict, name: str) -> str:
    return entries[name].read().decode()


def test_a_setup_py_project_gets_the_dist_info_its_egg_is_found_by(project: Path, deps: Path) -> None:
    (project / "setup.py").write_text(SETUP_PY)
    made = paste_app.entries(load(project), deps, ("production.ini", "setup.py"), {})
    assert text(made, "hello_world-0.0.dist-info/entry_points.txt") == "[paste.app_factory]\nmain = hello_world:main\n"
    assert "Name: hello_world\nVersion: 0.0\n" in text(made, "hello_world-0.0.dist-info/METADATA")
    assert "hello_world-0.0.dist-info/RECORD" in made


def test_a_setup_cfg_project_too(project: Path, deps: Path) -> None:
    (project / "setup.cfg").write_text("[metadata]\nname = hello-world\nversion = 1.2\n\n"
                                       "[options.entry_points]\npaste.app_factory =\n    main = hello_world:main\n")
    made = paste_app.entries(load(project), deps, ("production.ini",), {})
    assert "main = hello_world:main" in text(made, "hello_world-1.2.dist-info/entry_points.txt")


def test_an_egg_the_dependencies_or_the_project_metadata_hold_needs_nothing(project: Path, deps: Path) -> None:
    (deps / "hello_world-0.1.dist-info").mkdir()
    assert paste_app.entries(load(project), deps, ("production.ini",), {}) == {}
    (deps / "hello_world-0.1.dist-info").rmdir()
    held = {"hello_world-2.0.dist-info/METADATA": None}  # project_metadata's, from pyproject.toml's [project]
    assert paste_app.entries(load(project), deps, ("production.ini",), held) == {}


def test_without_pastedeploy_the_build_names_the_package_to_add(project: Path, deps: Path) -> None:
    (deps / "paste" / "deploy").rmdir()
    with pytest.raises(BuildError) as caught:
        paste_app.entries(load(project), deps, ("production.ini",), {})
    assert "do not install it" in caught.value.message
    assert "add plaster_pastedeploy to the requirements" in caught.value.hint
    # TurboGears' quickstart gets PasteDeploy only from gearbox, one of its development dependencies
    assert "PasteDeploy alone does too" in caught.value.hint and "gearbox" in caught.value.hint


def test_an_ini_the_bundle_leaves_out_is_named_with_the_include(project: Path, deps: Path) -> None:
    with pytest.raises(BuildError) as caught:
        paste_app.entries(load(project), deps, ("hello_world/__init__.py",), {})
    assert "leaves production.ini out" in caught.value.message
    assert 'include = ["production.ini"]' in caught.value.hint


def test_an_egg_nothing_provides_is_named_with_the_ways_to_declare_it(project: Path, deps: Path) -> None:
    (project / "setup.py").write_text("from setuptools import setup\nsetup(**computed())\n")
    with pytest.raises(BuildError) as caught:
        paste_app.entries(load(project), deps, ("production.ini",), {})
    assert "`use = egg:hello_world`" in caught.value.message
    assert '[project.entry-points."paste.app_factory"] main = "hello_world:main"' in caught.value.hint


def test_a_module_app_needs_nothing_and_an_ini_app_no_module(project: Path, deps: Path) -> None:
    (project / "app.py").write_text("app = object()\n")
    assert paste_app.entries(load(project, app="app:app"), deps, ("app.py",), {}) == {}
    missing.require_app_module(load(project, app="production.ini"), ["production.ini"])  # no module 'production'
