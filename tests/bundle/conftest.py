"""One dependency cache per test session, so each requirement set is installed once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def shoehorn_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # The same path as tests/cli/test_build.py's fixture: getbasetemp() is per session.
    cache = tmp_path_factory.getbasetemp() / "shoehorn-cache"
    old = os.environ.get("SHOEHORN_CACHE_DIR")
    os.environ["SHOEHORN_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("SHOEHORN_CACHE_DIR", None)
    else:
        os.environ["SHOEHORN_CACHE_DIR"] = old


def write_app(directory: Path, files: dict[str, str]) -> Path:
    """A throwaway app: ``files`` maps relative paths to their text."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


WSGI_APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from " + environ["PATH_INFO"].encode()]
'''

FLASK_APP = '''
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"hello": "flask"}
'''
