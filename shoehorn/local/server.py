"""`shoehorn dev`: the app as a normal web server, reloading on code change.

uvicorn serves both kinds of app: ASGI apps directly (lifespan as usual), WSGI apps
through a2wsgi's WSGIMiddleware (uvicorn's own WSGI interface is deprecated in favour
of a2wsgi). Reload uses uvicorn's watchfiles reloader on the app directory, so the factory
below runs again in each fresh worker process and imports the app from its directory.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path
from typing import Any

from shoehorn.config import Config
from shoehorn.errors import AppCodeError, LocalError
from shoehorn.runtime.interface import detect_interface

APP_ENV = "SHOEHORN_DEV_APP"  # "module:attribute", read by the factory in the worker process
DJANGO_ENV = "SHOEHORN_DEV_DJANGO"  # set for a Django project: its static files are served too
# With reload: {"directory", "stage"}. Each worker reads the config again, so an edit of its app or
# [environment] applies, as `dev --lambda` rebuilds with it (the supervisor's environment never
# holds the config's variables, so one removed from the config is gone from the next worker).
CONFIG_ENV = "SHOEHORN_DEV_CONFIG"
# Code and templates restart the worker (Flask/Jinja cache templates per process), and so do
# the files the config is read from, and YAML, read at import as code is: Connexion's OpenAPI spec
# (its own app.run() reloads on it) and Emmett's config/*.yml. (Not JSON: apps write data files in it.)
RELOAD_INCLUDES = ["*.py", "*.html", "*.jinja", "*.jinja2", "*.j2", "shoehorn.toml", "pyproject.toml",
                   "*.ini",  # a PasteDeploy app's settings (app = "production.ini")
                   "*.yaml", "*.yml"]
# Never watched: the build cache (unzipped bundles hold thousands of .py files) and environments.
RELOAD_EXCLUDED_DIRS = (".shoehorn", ".venv", "venv", ".git", "node_modules", "__pycache__")


def is_asgi(app: Any) -> bool:
    """The one detector ``adapt()`` uses too (shoehorn.runtime.interface)."""
    return detect_interface(app) == "asgi"


def load_app() -> Any:
    """uvicorn factory: import the configured app and make it ASGI if it is WSGI."""
    from shoehorn.appref import load, parse_any  # factories, .ini files, and file:line for errors in the app

    if CONFIG_ENV in os.environ:
        import json

        from shoehorn.config import load as load_config

        where = json.loads(os.environ[CONFIG_ENV])
        use_config(load_config(Path(where["directory"]), stage=where["stage"]))
    app = load(parse_any(os.environ[APP_ENV]), Path.cwd())
    if os.environ.get(DJANGO_ENV):
        app = _with_django_static(app)
    from shoehorn.runtime.errors import UnknownInterface

    try:
        asgi = is_asgi(app)
    except UnknownInterface as error:  # the app's to fix (a Dash app named for its server), never shoehorn's bug
        raise AppCodeError(error.message, error.hint) from None
    if asgi:
        return app
    from a2wsgi import WSGIMiddleware

    return _without_underscored_headers(WSGIMiddleware(_input_terminated(app)))


def _input_terminated(app: Any) -> Any:
    """``wsgi.input_terminated`` (the mod_wsgi/gunicorn flag) set: a2wsgi's input ends with the body,
    but without the flag Werkzeug reads nothing of a chunked upload (no Content-Length), which
    gunicorn and the deployed function (which always sets Content-Length) give in full."""

    def terminated(environ, start_response):
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return terminated


def _without_underscored_headers(app: Any) -> Any:
    """Request headers whose names hold "_" dropped before a2wsgi builds the environ, as the
    deployed function's WSGI driver drops them (gunicorn 22+ and nginx too: ``X_Forwarded_For``
    would share the environ key of ``X-Forwarded-For``)."""

    async def dropping(scope, receive, send):
        if scope["type"] == "http" and any(b"_" in name for name, _ in scope["headers"]):
            scope = {**scope, "headers": [(name, value) for name, value in scope["headers"] if b"_" not in name]}
        await app(scope, receive, send)

    return dropping


def _with_django_static(app: Any) -> Any:
    """A Django project's static files served under STATIC_URL, as the function serves them once
    deployed (``build`` collects them) and as ``manage.py runserver`` does, with the handler it uses."""
    from django.conf import settings

    if "django.contrib.staticfiles" not in settings.INSTALLED_APPS or not settings.STATIC_URL:
        return app
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler, StaticFilesHandler

    return ASGIStaticFilesHandler(app) if is_asgi(app) else StaticFilesHandler(app)


def use_config(config: Config) -> None:
    """This process serves ``config``'s app with its environment."""
    os.environ[APP_ENV] = config.app
    if config.django_settings:
        os.environ[DJANGO_ENV] = "1"
    else:
        os.environ.pop(DJANGO_ENV, None)
    os.environ.update(config.environment)
    source = str(config.directory / config.source_dir)
    if source not in sys.path:  # uvicorn's --app-dir
        sys.path.insert(0, source)


def serve(config: Config, *, host: str, port: int, reload: bool = True, sock: socket.socket | None = None,
          announce=lambda: None) -> None:
    """Run until Ctrl-C (uvicorn handles SIGINT/SIGTERM and shuts down cleanly). ``sock``: from
    ``listen()``, bound before anything else so a busy port is reported first. ``announce()``
    runs when the app is known to import (without reload: once imported here)."""
    import uvicorn

    from shoehorn.local import dev_worker

    sock = sock or listen(host, port)
    if not reload:
        dev_worker.serve_once(config, sock, announce)
        return
    import json

    os.environ[CONFIG_ENV] = json.dumps({"directory": str(config.directory), "stage": config.stage})
    # uvicorn treats an exclude that names an existing directory as "everything below it";
    # .shoehorn is made now so a build during the session is excluded too.
    (config.directory / ".shoehorn").mkdir(exist_ok=True)
    excludes = reload_excludes(config.directory)
    options = dict(
        app="shoehorn.local.server:load_app",
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(config.directory)],
        reload_includes=RELOAD_INCLUDES,
        reload_excludes=excludes or None,
        log_level="info",
        use_colors=colors(),
    )
    # With reload, uvicorn binds the socket in this process and hands it to each worker. Its own
    # socket says protocol 0, and asyncio sets TCP_NODELAY only on connections accepted from a
    # socket that says IPPROTO_TCP: Nagle then meets delayed ACKs and every request on a kept-alive
    # connection waits ~40 ms (Kludex/uvicorn#3149). A socket bound here with the protocol named avoids it.
    uvicorn_config = uvicorn.Config(**options)
    announce()  # the app was probed in a fresh interpreter (cli/dev.py)
    try:
        dev_worker.ConfigReloader(uvicorn_config, config.directory, config.stage, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass  # uvicorn.run does the same: the supervisor has already stopped the worker


def reload_excludes(directory: Path) -> list[str]:
    """The directories the reloader skips: the build cache, tools' folders, and every virtualenv
    (a folder holding pyvenv.cfg, whatever its name, as the bundle's ignore rules know)."""
    return [str(path) for path in sorted(directory.iterdir()) if path.is_dir()
            and (path.name in RELOAD_EXCLUDED_DIRS or (path / "pyvenv.cfg").is_file())]


def colors() -> bool | None:
    """uvicorn's use_colors: off with NO_COLOR (https://no-color.org), else uvicorn decides (a tty)."""
    return False if os.environ.get("NO_COLOR") else None


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket whose accepted connections get TCP_NODELAY from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        hint = ("another server holds the port: stop it or pick one with --port" if error.errno == errno.EADDRINUSE
                else "--host must be an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
        raise LocalError(f"cannot listen on {host}:{port}: {error.strerror}", hint=hint) from error
    sock.set_inheritable(True)
    return sock
