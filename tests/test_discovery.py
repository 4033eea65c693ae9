"""App discovery parses files with ast and never imports the user's code."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.discovery import candidates, discover
from shoehorn.errors import ConfigError


def write(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_finds_app_without_importing_it(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "raise SystemExit('imported!')\nfrom fastapi import FastAPI\napp = FastAPI()\n")
    assert discover(tmp_path) == "main:app"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("wsgi.py", "application = get_wsgi_application()\n", "wsgi:application"),
        ("asgi.py", "app: object = make()\n", "asgi:app"),
        ("app.py", "def app(environ, start_response):\n    pass\n", "app:app"),
        ("application.py", "from server import app\n", "application:app"),
        ("app.py", "app = Flask(__name__)\napplication = app\n", "app:app"),
    ],
)
def test_module_level_bindings(tmp_path: Path, name: str, text: str, expected: str) -> None:
    write(tmp_path, name, text)
    assert discover(tmp_path) == expected


def test_finds_app_in_a_package(tmp_path: Path) -> None:
    write(tmp_path, "notes/__init__.py", "")
    write(tmp_path, "notes/wsgi.py", "application = object()\n")
    write(tmp_path, "tests/__init__.py", "")
    write(tmp_path, "tests/app.py", "app = object()\n")  # tests never hold the app
    assert discover(tmp_path) == "notes.wsgi:application"


def test_ignores_names_bound_inside_functions(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "def create():\n    app = object()\n    return app\n")
    assert candidates(tmp_path) == []


def test_none_found_says_where_it_looked_and_how_to_pick(tmp_path: Path) -> None:
    write(tmp_path, "server.py", "app = object()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "app.py" in caught.value.message and "main.py" in caught.value.message
    assert 'app = "' in caught.value.hint


def test_several_candidates_are_listed(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "app = object()\n")
    write(tmp_path, "main.py", "app = object()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "app:app" in caught.value.message and "main:app" in caught.value.message
    assert 'app = "app:app"' in caught.value.hint


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "x = 1\napp = (\n")
    with pytest.raises(ConfigError, match=r"app\.py.*line"):
        discover(tmp_path)
