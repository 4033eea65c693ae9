"""Finding a Python of a Lambda runtime's version on this machine (shoehorn/local/interpreters.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from shoehorn.local import interpreters
from shoehorn.local.emulator import local_platform

# a Python version that is not this one's (this one is always found: sys.executable)
V = "3.12" if sys.version_info[:2] != (3, 12) else "3.13"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(interpreters, "_found", {})
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))


def fake_python(path: Path, says: str, code: int = 0) -> Path:
    """An executable that answers the version question the way a Python would (or fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{says}'\nexit {code}\n")
    path.chmod(0o755)
    return path


def test_the_newest_pyenv_patch_release_answering_for_the_version_is_found(tmp_path: Path) -> None:
    root = tmp_path / "pyenv" / "versions"
    fake_python(root / f"{V}.9" / "bin" / f"python{V}", f"{V} x86_64 cpython")
    newest = fake_python(root / f"{V}.10" / "bin" / f"python{V}", f"{V} x86_64 cpython")
    fake_python(root / "3.9.0" / "bin" / f"python{V}", "3.9 x86_64 cpython")  # (a wrong name in the wrong folder)
    assert interpreters.candidates(f"python{V}") == [str(newest), str(root / f"{V}.9" / "bin" / f"python{V}")]
    assert interpreters.find(f"python{V}", "x86_64") == str(newest)


def test_a_shim_that_fails_or_answers_for_another_version_or_machine_is_passed_over(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin" / f"python{V}", f"pyenv: python{V}: command not found", code=127)  # a pyenv shim
    fake_python(tmp_path / "pyenv" / "versions" / f"{V}.4" / "bin" / f"python{V}", f"{V} aarch64 cpython")
    uv = fake_python(tmp_path / "uv" / f"cpython-{V}.8-linux-x86_64-gnu" / "bin" / f"python{V}", f"{V} x86_64 cpython")
    assert interpreters.find(f"python{V}", "x86_64") == str(uv)
    assert interpreters.find(f"python{V}", "arm64") == str(tmp_path / "pyenv" / "versions" / f"{V}.4" / "bin" / f"python{V}")


def test_pypy_is_not_the_cpython_lambda_runs(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin" / f"python{V}", f"{V} x86_64 pypy")
    assert interpreters.find(f"python{V}", "x86_64") is None


def test_none_when_the_machine_has_no_such_python() -> None:
    assert interpreters.find(f"python{V}", "x86_64") is None


def test_this_python_serves_its_own_runtime_and_no_other_architecture() -> None:
    here = local_platform()
    assert interpreters.for_target(here.runtime, here.architecture) == sys.executable
    other = "arm64" if here.architecture == "x86_64" else "x86_64"
    assert interpreters.for_target(here.runtime, other) is None


def test_a_real_python_answers_for_itself() -> None:
    here = local_platform()
    assert interpreters._answers(sys.executable, here.runtime, here.architecture)
    assert not interpreters._answers(os.devnull, here.runtime, here.architecture)


def test_a_python_installed_after_a_miss_is_found_by_the_next_look(tmp_path: Path) -> None:
    # the local cloud's process outlives the user's `uv python install` that its refusal suggested
    assert interpreters.find(f"python{V}", "x86_64") is None
    installed = fake_python(tmp_path / "uv" / f"cpython-{V}.2-linux-x86_64-gnu" / "bin" / f"python{V}",
                            f"{V} x86_64 cpython")
    assert interpreters.find(f"python{V}", "x86_64") == str(installed)
