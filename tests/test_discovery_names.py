"""An app object bound to another name than app/application: found by the call that makes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.discovery import discover
from shoehorn.errors import ConfigError


def write(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("text, ref", [
    ("from fastapi import FastAPI\napi = FastAPI()\n", "main:api"),
    ("import flask\nserver = flask.Flask(__name__)\n", "main:server"),
    ("from starlette.applications import Starlette\nweb: Starlette = Starlette(routes=[])\n", "main:web"),
    ("from quart import Quart\nq = Quart(__name__)\n", "main:q"),
    ("from litestar import Litestar\nsite = Litestar([])\n", "main:site"),
    ("from sanic import Sanic\nsanic_app = Sanic('x')\n", "main:sanic_app"),
    ("import bottle\nweb = bottle.Bottle()\n", "main:web"),  # Bottle's docs: `app = Bottle()`, any name
])
def test_an_app_made_by_a_known_class_is_found_under_any_name(tmp_path: Path, text: str, ref: str) -> None:
    write(tmp_path, "main.py", "raise SystemExit('imported!')\n" + text)
    assert discover(tmp_path).ref == ref


def test_a_name_app_still_wins_over_other_app_objects(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "from fastapi import FastAPI\napp = FastAPI()\nsub = FastAPI()\napp.mount('/s', sub)\n")
    assert discover(tmp_path).ref == "main:app"


def test_an_app_object_beats_a_factory_whatever_its_name(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "from fastapi import FastAPI\napi = FastAPI()\n")
    write(tmp_path, "pkg/__init__.py", "def create_app():\n    pass\n")
    assert discover(tmp_path).ref == "main:api"


def test_several_app_objects_are_listed(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "from fastapi import FastAPI\npublic = FastAPI()\nadmin = FastAPI()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "main:public" in caught.value.message and "main:admin" in caught.value.message
    assert "init --app" in caught.value.hint


def test_other_calls_and_names_inside_functions_are_not_apps(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "from fastapi import APIRouter, FastAPI\nrouter = APIRouter()\n"
                               "def build():\n    api = FastAPI()\n    return api\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "FastAPI(...)" in caught.value.message
