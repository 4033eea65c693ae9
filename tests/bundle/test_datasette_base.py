"""build's warning for a Datasette app whose links would lead outside the stage prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle.datasette_base import unprefixed
from shoehorn.config import Config


def config(directory: Path, app: str = "app:app", stage: str = "dev") -> Config:
    return Config(directory=directory, name="dogs", stage=stage, app=app)


@pytest.mark.parametrize("source", [
    'from datasette.app import Datasette\n\napp = Datasette(files=["data.db"]).app()\n',
    'from datasette.app import Datasette\n\nds = Datasette(["data.db"], settings={"sql_time_limit_ms": 3500})\n'
    'app = ds.app()\n',
    'import datasette.app\n\napp = datasette.app.Datasette(immutables=["data.db"]).app()\n',
])
def test_a_datasette_app_at_the_default_base_url_is_told_the_setting_for_its_stage(tmp_path: Path,
                                                                                     source: str) -> None:
    (tmp_path / "app.py").write_text(source)
    warning = unprefixed(config(tmp_path, stage="prod"))
    assert warning is not None
    assert 'settings={"base_url": "/prod/"}' in warning and "unstyled" in warning and "custom domain" in warning


@pytest.mark.parametrize("arguments", ['settings={"base_url": "/prod/"}', "settings=SETTINGS",
                                       'settings={**SETTINGS, "x": 1}', 'config_dir="."', "**options"])
def test_a_base_url_given_or_not_readable_is_left_alone(tmp_path: Path, arguments: str) -> None:
    (tmp_path / "app.py").write_text(f"from datasette.app import Datasette\n\napp = Datasette({arguments}).app()\n")
    assert unprefixed(config(tmp_path)) is None


def test_other_apps_named_app_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from mylib import Datasette\n\napp = Datasette().app()\n")
    assert unprefixed(config(tmp_path)) is None
    (tmp_path / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    assert unprefixed(config(tmp_path)) is None
