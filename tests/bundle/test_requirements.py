"""Requirement sources: requirements files (with -r), pyproject dependencies, uv.lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle import install, requirements
from shoehorn.config import load
from shoehorn.errors import BuildError, ConfigError
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
    assert f"{tmp_path / 'libs' / 'helper'}  # tree-sha256=" in before and "\nflask\n" in before
    (tmp_path / "libs/helper/helper/__init__.py").write_text("X = 2\n")
    assert requirements.resolve(load(tmp_path), uv).text != before  # so the dependency cache misses


HELPER = {"libs/mylib/pyproject.toml": "[project]\nname = 'mylib'\nversion = '0.1'\n",
          "libs/mylib/mylib/__init__.py": "VALUE = 1\n"}


@pytest.mark.parametrize(("requirements_txt", "nested"), [
    ("-r reqs/prod.txt\n", {"reqs/prod.txt": "./libs/mylib\n"}),  # read from the top file's folder, as uv does
    ("mylib @ file://{root}/libs/mylib\n", {}),  # what `pip freeze` writes
])
def test_an_edited_local_package_changes_the_cache_key_in_every_spelling(tmp_path: Path, requirements_txt: str,
                                                                        nested: dict[str, str]) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": requirements_txt.format(root=tmp_path),
                         **nested, **HELPER})
    uv, target = install.uv_binary(), install.Target("python3.11", "x86_64")
    before = install.cache_key(requirements.resolve(load(tmp_path), uv), target, "uv", False)
    (tmp_path / "libs/mylib/mylib/__init__.py").write_text("VALUE = 2\n")
    assert install.cache_key(requirements.resolve(load(tmp_path), uv), target, "uv", False) != before


def test_two_projects_with_the_same_relative_line_do_not_share_a_cache_entry(tmp_path: Path) -> None:
    uv, target = install.uv_binary(), install.Target("python3.11", "x86_64")
    keys = set()
    for name in ("one", "two"):  # identical files, so only where they are tells them apart
        project = write_app(tmp_path / name, {"app.py": WSGI_APP, "requirements.txt": "./libs/mylib\n", **HELPER})
        keys.add(install.cache_key(requirements.resolve(load(project), uv), target, "uv", False))
    assert len(keys) == 2


def test_a_nested_file_named_with_an_equals_sign_is_inlined(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": "--requirement=reqs/base.txt\n",
                         "reqs/base.txt": "-r common.txt\n", "reqs/common.txt": "PyYAML\n"})
    assert requirements.resolve(load(tmp_path), install.uv_binary()).text.split() == ["PyYAML"]


def test_a_relative_find_links_folder_is_made_absolute(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "requirements.txt": "--no-index\n-f ./wheels\nsix\n",
                         "wheels/six-1.17.0-py2.py3-none-any.whl": "x"})
    assert f"--find-links {tmp_path / 'wheels'}  # files-sha256=" in requirements.resolve(
        load(tmp_path), install.uv_binary()).text


def test_a_utf16_requirements_file_from_powershell_is_read(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP})
    (tmp_path / "requirements.txt").write_bytes("six==1.17.0\r\n".encode("utf-16"))  # BOM + UTF-16 LE
    assert requirements.resolve(load(tmp_path), install.uv_binary()).text.split() == ["six==1.17.0"]


@pytest.mark.parametrize("dependencies", ['"flask"', "[1]", '{flask = "3"}'])
def test_malformed_project_dependencies_are_a_config_error(tmp_path: Path, dependencies: str) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "pyproject.toml":
                         f'[project]\nname = "x"\nversion = "0"\ndependencies = {dependencies}\n'})
    with pytest.raises(ConfigError, match=r"\[project\]\.dependencies .* must be a list of strings") as caught:
        requirements.resolve(load(tmp_path), install.uv_binary())
    assert caught.value.exit_code == 2


def test_uv_sources_without_a_lock_ask_for_uv_lock(tmp_path: Path) -> None:
    # [project].dependencies alone would install PyPI's "mylib" in place of the path source
    write_app(tmp_path, {"app.py": WSGI_APP, **HELPER, "pyproject.toml":
                         '[project]\nname = "x"\nversion = "0"\ndependencies = ["mylib"]\n'
                         '[tool.uv.sources]\nmylib = { path = "libs/mylib" }\n'})
    with pytest.raises(BuildError, match="uv.lock") as caught:
        requirements.resolve(load(tmp_path), install.uv_binary())
    assert "uv lock" in caught.value.hint


@pytest.mark.slow
@pytest.mark.parametrize("requirements_setting", [None, "pyproject.toml"])
def test_a_uv_path_source_is_installed_from_the_lock_at_an_absolute_path(tmp_path: Path,
                                                                         requirements_setting: str | None) -> None:
    import subprocess

    write_app(tmp_path, {"app.py": WSGI_APP, **HELPER, "pyproject.toml":
                         '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["mylib"]\n'
                         '[tool.uv.sources]\nmylib = { path = "libs/mylib", editable = true }\n'})
    if requirements_setting:
        (tmp_path / "shoehorn.toml").write_text(f'requirements = "{requirements_setting}"\n')
    uv = install.uv_binary()
    subprocess.run([uv, "lock", "--quiet"], cwd=tmp_path, check=True)
    before = requirements.resolve(load(tmp_path), uv)
    assert "uv.lock" in before.source
    assert before.text.split("\n")[0].startswith(f"{tmp_path / 'libs' / 'mylib'}  # tree-sha256=")  # not editable
    (tmp_path / "libs/mylib/mylib/__init__.py").write_text("VALUE = 2\n")
    assert requirements.resolve(load(tmp_path), uv).text != before.text
