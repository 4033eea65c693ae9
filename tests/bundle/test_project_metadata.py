"""The project's own dist-info in the bundle, read back by importlib.metadata as an install's would be."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from shoehorn.bundle.project_metadata import entries

PYPROJECT = '''[project]
name = "My.Web-App"
version = "1.2.0rc1"
description = """A web
app"""
requires-python = ">=3.10"
dependencies = ["flask>=3", 'greenlet<3; python_version<"3.12"']

[project.scripts]
webapp = "my_web_app.cli:main"

[project.entry-points."myapp.plugins"]
extra = "my_web_app.plugins:extra"
'''


def unpacked(tmp_path: Path, made: dict) -> Path:
    root = tmp_path / "bundle"
    for name, entry in made.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(entry.read())
    return root


def test_importlib_metadata_finds_the_project_as_pip_install_would_leave_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "deps").mkdir()
    made = entries(tmp_path, tmp_path / "deps")
    assert sorted(made) == [f"My_Web_App-1.2.0rc1.dist-info/{f}" for f in
                            ("INSTALLER", "METADATA", "RECORD", "entry_points.txt")]
    found = importlib.metadata.distributions(name="my-web-app", path=[str(unpacked(tmp_path, made))])
    dist = next(iter(found))
    assert dist.version == "1.2.0rc1" and dist.metadata["Summary"] == "A web app"
    assert dist.requires == ["flask>=3", 'greenlet<3; python_version<"3.12"']
    points = {(p.group, p.name): p.value for p in dist.entry_points}
    assert points == {("console_scripts", "webapp"): "my_web_app.cli:main",
                      ("myapp.plugins", "extra"): "my_web_app.plugins:extra"}


def test_nothing_without_a_static_version_or_a_project(tmp_path: Path) -> None:
    (tmp_path / "deps").mkdir()
    assert entries(tmp_path, tmp_path / "deps") == {}  # no pyproject.toml
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndynamic = ["version"]\n')  # setuptools-scm
    assert entries(tmp_path, tmp_path / "deps") == {}
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n')
    assert entries(tmp_path, tmp_path / "deps") == {}


def test_a_distribution_of_that_name_among_the_dependencies_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-app"\nversion = "1"\n')
    (tmp_path / "deps" / "my_app-0.9.dist-info").mkdir(parents=True)
    assert entries(tmp_path, tmp_path / "deps") == {}
