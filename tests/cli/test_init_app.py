"""`shoehorn init --app REF`: an app reference discovery cannot find (or cannot choose), checked like `app`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load


def test_init_app_writes_the_given_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "server.py").write_text("from fastapi import FastAPI\nweb = FastAPI()\n")
    assert main(["init", "-C", str(tmp_path), "--app", "server:web"]) == 0
    assert tomllib.loads((tmp_path / "shoehorn.toml").read_text())["app"] == "server:web"
    assert load(tmp_path).app == "server:web"


@pytest.mark.parametrize("ref, said", [("server:wbe", "did you mean 'web'?"), ("server", "no ':'"),
                                       ("sever:web", "module 'sever' is not in")])
def test_init_app_is_checked_like_the_config_and_nothing_is_written(tmp_path: Path, ref: str, said: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "server.py").write_text("from fastapi import FastAPI\nweb = FastAPI()\n")
    assert main(["init", "-C", str(tmp_path), "--app", ref]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert said in err and "--app" in err
    assert not (tmp_path / "shoehorn.toml").exists()


def test_init_force_app_replaces_the_files_app_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text("from fastapi import FastAPI\nweb = FastAPI()\nother = FastAPI()\n")
    (tmp_path / "shoehorn.toml").write_text('app = "server:web"\nmemory = 1024\n')
    assert main(["init", "-C", str(tmp_path), "--force", "--app", "server:other"]) == 0
    data = tomllib.loads((tmp_path / "shoehorn.toml").read_text())
    assert data["app"] == "server:other" and data["memory"] == 1024


def test_init_app_warns_of_a_module_that_is_probably_a_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "server.py").write_text("from fastapi import FastAPI\nweb = FastAPI()\n")
    (tmp_path / "requirements.txt").write_text("fastapi\n")  # so 'sever' could be a dependency's module
    assert main(["init", "-C", str(tmp_path), "--app", "sever:web"]) == 0
    assert "did you mean 'server'?" in " ".join(capsys.readouterr().err.split())
