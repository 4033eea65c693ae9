"""`shoehorn dev`: the app as a normal web server, reloading on code change.

uvicorn serves both kinds of app: ASGI apps directly (lifespan as usual), WSGI apps
through a2wsgi's WSGIMiddleware (uvicorn's own WSGI interface is deprecated in favour
of a2wsgi). Reload uses uvicorn's watchfiles reloader on the app directory, so the factory
below runs again in each fresh worker process and imports the app from its directory.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from shoehorn.config import Config
from shoehorn.runtime.interface import detect_interface

APP_ENV = "SHOEHORN_DEV_APP"  # "module:attribute", read by the factory in the worker process
# Code and templates restart the worker (Flask/Jinja cache templates per process).
RELOAD_INCLUDES = ["*.py", "*.html", "*.jinja", "*.jinja2", "*.j2"]
# Never watched: the build cache (unzipped bundles hold thousands of .py files) and environments.
RELOAD_EXCLUDED_DIRS = (".shoehorn", ".venv", "venv", ".git", "node_modules", "__pycache__")


def is_asgi(app: Any) -> bool:
    """The one detector ``adapt()`` uses too (shoehorn.runtime.interface)."""
    return detect_interface(app) == "asgi"


def load_app() -> Any:
    """uvicorn factory: import the configured app and make it ASGI if it is WSGI."""
    module_name, _, attribute = os.environ[APP_ENV].partition(":")
    module = importlib.import_module(module_name)
    app = module
    for part in (attribute or "app").split("."):
        app = getattr(app, part)
    if is_asgi(app):
        return app
    from a2wsgi import WSGIMiddleware

    return WSGIMiddleware(app)


def serve(config: Config, *, host: str, port: int, reload: bool = True) -> None:
    """Run until Ctrl-C (uvicorn handles SIGINT/SIGTERM and shuts down cleanly)."""
    import uvicorn

    os.environ[APP_ENV] = config.app
    os.environ.update(config.environment)
    excludes: list[str] = []
    if reload:
        # uvicorn treats an exclude that names an existing directory as "everything below it";
        # .shoehorn is made now so a build during the session is excluded too.
        (config.directory / ".shoehorn").mkdir(exist_ok=True)
        excludes = [str(config.directory / name) for name in RELOAD_EXCLUDED_DIRS if (config.directory / name).is_dir()]
    uvicorn.run(
        "shoehorn.local.server:load_app",
        factory=True,
        host=host,
        port=port,
        app_dir=str(config.directory),
        reload=reload,
        reload_dirs=[str(config.directory)] if reload else None,
        reload_includes=RELOAD_INCLUDES if reload else None,
        reload_excludes=excludes or None,
        log_level="info",
    )
