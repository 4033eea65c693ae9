"""`shoehorn init`: a commented shoehorn.toml that loads back to what was discovered."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load
from shoehorn.errors import ConfigError


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "Notes Site"
    directory.mkdir()
    (directory / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    (directory / "requirements.txt").write_text("fastapi\n")
    return directory


def test_writes_what_it_discovered_and_loads_back_the_same(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = load(app_dir)
    assert main(["init", "-C", str(app_dir)]) == 0
    written = app_dir / "shoehorn.toml"
    text = written.read_text()
    assert "#" in text and 'app = "main:app"' in text and 'name = "notes-site"' in text
    data = tomllib.loads(text)
    assert data["requirements"] == "requirements.txt"
    after = load(app_dir)
    assert after.source_file == written
    for field in ("name", "app", "runtime", "architecture", "requirements", "memory", "timeout", "environment"):
        assert getattr(after, field) == getattr(before, field), field
    assert "wrote" in capsys.readouterr().out


def test_refuses_to_overwrite_without_force(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "shoehorn.toml").write_text('memory = 1024\n[environment]\nA = "1"\n')
    assert main(["init", "-C", str(app_dir)]) == ConfigError.exit_code
    assert "--force" in capsys.readouterr().err
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    config = load(app_dir)
    assert config.memory == 1024 and dict(config.environment) == {"A": "1"}  # settings kept


def test_no_app_found_is_an_error_with_the_way_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "-C", str(tmp_path)]) == ConfigError.exit_code
    assert 'app = "' in capsys.readouterr().err
    assert not (tmp_path / "shoehorn.toml").exists()
