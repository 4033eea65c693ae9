"""The project's own dist-info in the bundle, read back by importlib.metadata as an install's would be."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shoehorn.bundle.install import uv_binary
from shoehorn.bundle.project_metadata import entries
from shoehorn.progress import Info, Recorder

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


def test_nothing_without_a_version_or_a_project(tmp_path: Path) -> None:
    (tmp_path / "deps").mkdir()
    said = Recorder()
    assert entries(tmp_path, tmp_path / "deps", said) == {}  # no pyproject.toml
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n')
    assert entries(tmp_path, tmp_path / "deps", said) == {}
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no version at all
    assert entries(tmp_path, tmp_path / "deps", said) == {} and said.events == []
    # setuptools-scm, and no install of the project to read it from: said once, as what it costs and the fix
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x-app"\ndynamic = ["version"]\n')
    assert entries(tmp_path, tmp_path / "deps", said) == {}
    [info] = said.events
    assert isinstance(info, Info) and "pyproject.toml's version is dynamic" in info.message
    assert "importlib.metadata.version('x-app')" in info.message and "pip install -e ." in info.message


DYNAMIC = '[project]\nname = "my-app"\ndynamic = ["version"]\n\n[tool.setuptools_scm]\n'


def installed(site: Path, version: str, source: Path | None) -> None:
    """An install of my-app in ``site`` as pip and uv leave it; ``source``: the folder it was installed from
    (its direct_url.json, PEP 610), None for a release from an index (no such file)."""
    info = site / f"my_app-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: my-app\nVersion: {version}\n")
    if source is not None:
        (info / "direct_url.json").write_text(json.dumps({"url": source.as_uri(), "dir_info": {"editable": True}}))


def test_a_dynamic_version_is_read_from_an_install_of_the_project_in_its_venv(tmp_path: Path) -> None:
    project, deps = tmp_path / "my-app", tmp_path / "deps"
    deps.mkdir()
    project.mkdir()
    (project / "pyproject.toml").write_text(DYNAMIC)
    installed(project / ".venv" / "lib" / "python3.12" / "site-packages", "1.4.dev3+g1a2b3c4", project)
    said = Recorder()
    made = entries(project, deps, said)
    assert said.events == []
    dist = next(iter(importlib.metadata.distributions(name="my-app", path=[str(unpacked(tmp_path, made))])))
    assert dist.version == "1.4.dev3+g1a2b3c4"


def test_an_install_from_elsewhere_is_not_the_project_s_version(tmp_path: Path, monkeypatch) -> None:
    # the same name installed from an index (no direct_url.json), or from another checkout: not this project
    project, deps = tmp_path / "my-app", tmp_path / "deps"
    deps.mkdir()
    project.mkdir()
    (project / "pyproject.toml").write_text(DYNAMIC)
    installed(project / ".venv" / "lib" / "python3.12" / "site-packages", "1.0", None)
    installed(tmp_path / "env" / "lib" / "python3.11" / "site-packages", "2.0", tmp_path / "other-checkout")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "env"))
    said = Recorder()
    assert entries(project, deps, said) == {} and len(said.events) == 1
    # the activated environment's install, made from this folder, is the one
    installed(tmp_path / "env" / "lib" / "python3.11" / "site-packages", "3.0", project)
    assert "my_app-3.0.dist-info/METADATA" in entries(project, deps)


def test_a_distribution_of_that_name_among_the_dependencies_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-app"\nversion = "1"\n')
    (tmp_path / "deps" / "my_app-0.9.dist-info").mkdir(parents=True)
    assert entries(tmp_path, tmp_path / "deps") == {}


# A build backend of the project's own (PEP 517 in-tree, no requirements: nothing to download) that versions
# the project from its git tags, as setuptools-scm and hatch-vcs do; neither is installed here.
VCS_BACKEND = '''
import base64, hashlib, os, subprocess, zipfile

NAME = "vcs_app"


def _version():
    described = subprocess.run(["git", "describe", "--tags"], capture_output=True, text=True, check=True)
    tag, *since = described.stdout.strip().lstrip("v").split("-")
    return tag if not since else f"{tag}.post{since[0]}+{since[1]}"


def _wheel(directory, files):
    version = _version()
    info = f"{NAME}-{version}.dist-info"
    files = {**files, f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: vcs-app\\nVersion: {version}\\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    record = [f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
              f"{len(text.encode())}" for path, text in files.items()]
    files[f"{info}/RECORD"] = "\\n".join([*record, f"{info}/RECORD,,"]) + "\\n"
    wheel = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, wheel), "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open(os.path.join(NAME, "__init__.py")) as source:
        return _wheel(wheel_directory, {f"{NAME}/__init__.py": source.read()})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {f"{NAME}.pth": os.getcwd() + "\\n"})
'''

VCS_PYPROJECT = '''[project]
name = "vcs-app"
dynamic = ["version"]

[build-system]
requires = []
build-backend = "vcs_backend"
backend-path = ["_build"]
'''


@pytest.mark.slow
def test_a_version_from_git_tags_is_the_one_the_project_s_uv_install_reports(tmp_path: Path) -> None:
    # the project installed editable in its .venv by uv (as `uv sync` does), shoehorn installed elsewhere
    project, deps = tmp_path / "vcs-app", tmp_path / "deps"
    for folder in (project / "_build", project / "vcs_app", deps):
        folder.mkdir(parents=True)
    (project / "pyproject.toml").write_text(VCS_PYPROJECT)
    (project / "_build" / "vcs_backend.py").write_text(VCS_BACKEND)
    (project / "vcs_app" / "__init__.py").write_text("")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "first"], ["tag", "v1.4"],
                    ["commit", "-q", "--allow-empty", "-m", "second"]):
        subprocess.run([*git, *command], cwd=project, check=True, capture_output=True)
    uv = uv_binary()
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never",
           "UV_NO_CONFIG": "1"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(project / ".venv")], check=True, env=env,
                   capture_output=True)
    python = project / ".venv" / "bin" / "python"
    done = subprocess.run([uv, "pip", "install", "-q", "--offline", "--python", str(python), "-e", str(project)],
                          env=env, capture_output=True, text=True, cwd=project)
    assert done.returncode == 0, done.stderr
    local = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('vcs-app'))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert local.startswith("1.4.post1+g")
    made = entries(project, deps)
    dist = next(iter(importlib.metadata.distributions(name="vcs-app", path=[str(unpacked(tmp_path, made))])))
    assert dist.version == local  # what importlib.metadata.version() gives the app locally, on Lambda too
