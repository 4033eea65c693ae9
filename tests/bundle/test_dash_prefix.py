"""build's warning for a Dash app whose page would load its scripts outside the stage prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle.dash_prefix import unprefixed
from shoehorn.config import Config

DASH = "from dash import Dash, html\n\napp = Dash(__name__{args})\nserver = app.server\napp.layout = html.Div('hi')\n"


def config(directory: Path, app: str = "app:app.server", stage: str = "dev", **environment: str) -> Config:
    return Config(directory=directory, name="board", stage=stage, app=app, environment=environment)


@pytest.mark.parametrize("ref", ["app:app.server", "app:server"])
def test_a_dash_app_at_the_default_prefix_is_told_the_setting_for_its_stage(tmp_path: Path, ref: str) -> None:
    (tmp_path / "app.py").write_text(DASH.format(args=""))
    warning = unprefixed(config(tmp_path, ref, stage="prod"))
    assert warning is not None
    assert 'DASH_REQUESTS_PATHNAME_PREFIX = "/prod/"' in warning and "[stages.prod.environment]" in warning
    assert "custom domain" in warning


@pytest.mark.parametrize("args", [", requests_pathname_prefix='/prod/'", ", url_base_pathname='/x/'",
                                  ", **options"])
def test_a_prefix_given_to_dash_is_left_alone(tmp_path: Path, args: str) -> None:
    (tmp_path / "app.py").write_text(DASH.format(args=args))
    assert unprefixed(config(tmp_path)) is None


@pytest.mark.parametrize("variable", ["DASH_REQUESTS_PATHNAME_PREFIX", "DASH_URL_BASE_PATHNAME", "DASH_APP_NAME"])
def test_a_prefix_set_in_the_environment_is_left_alone(tmp_path: Path, variable: str) -> None:
    (tmp_path / "app.py").write_text(DASH.format(args=""))
    assert unprefixed(config(tmp_path, **{variable: "/"})) is None


def test_other_apps_are_not_dash(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\nserver = app\n")
    assert unprefixed(config(tmp_path, "app:app")) is None
    assert unprefixed(config(tmp_path, "app:server")) is None
    assert unprefixed(config(tmp_path, "elsewhere:app")) is None  # a module outside the app directory
