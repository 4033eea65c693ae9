"""The two example apps as benchmark subjects: one realistic route each (a Jinja page, a FastAPI
endpoint with a dependency and a pydantic response model). Context for the tiny-app table in
adapter.py: a real route's own work dilutes the adapter's fixed per-request cost."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(folder: str) -> ModuleType:
    name = f"bench_{folder}"  # both examples are called app.py: load each by path, under its own name
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / folder / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Flask finds its templates through sys.modules[__name__]
    spec.loader.exec_module(module)
    return module


def flask_example():
    """(WSGI app, path, a marker the page must contain)."""
    return _load("flask_app").app, "/notes/1", b"<h1>Welcome</h1>"


def fastapi_example(loop: asyncio.AbstractEventLoop):
    """(ASGI app, path, a marker the answer must contain, the lifespan state a server would put
    in every request scope — the raw call needs it, since the routes read request.state)."""
    app = _load("fastapi_app").app
    state = loop.run_until_complete(app.router.lifespan_context(app).__aenter__())
    return app, "/items/1", b'"name":"hammer"', dict(state)
