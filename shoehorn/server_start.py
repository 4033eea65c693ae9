"""An app module that starts a web server when it is imported, read from its file (never imported).

Bottle's README ends its hello-world with `run(host='localhost', port=8080)` at module level, and many
first apps end with an unguarded `app.run()`. A WSGI/ASGI server (gunicorn, uvicorn, Lambda's handler)
imports the module to get the app, so that call runs on import and serves forever: the build's check
waited out its timeout and blamed "work done at import time", `shoehorn dev` hung without a word, and
on Lambda every cold start would time out. Found here, it is named with its line and the fix.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from shoehorn.discovery import import_time
from shoehorn.errors import AppCodeError

# Functions that serve until the process ends, by the module they come from (`from bottle import run`,
# `uvicorn.run(app)`, `waitress.serve(app)`); `asyncio.run(main())` returns, and is not one of them.
SERVING = {"bottle": ("run",), "uvicorn": ("run",), "waitress": ("serve",), "hypercorn": ("run",),
           "cherrypy": ("quickstart",)}
# Methods that serve forever whatever they are called on: wsgiref's and socketserver's servers.
FOREVER = ("serve_forever",)
# The app object's own server: Flask, Quart, Sanic, Bottle and Dash apps `run()`; Dash before 3 `run_server()`.
APP_RUNS = ("run", "run_server")


@dataclass(frozen=True, slots=True)
class ServerStart:
    line: int
    call: str  # the statement as written (shortened), e.g. "run(host='localhost', port=8080)"


def find(tree: ast.Module | None, app_names: tuple[str, ...] = ()) -> ServerStart | None:
    """The first module-level statement of ``tree`` that starts a server: a SERVING function, a FOREVER
    method, or ``.run()`` of one of ``app_names`` (the app object: Flask, Sanic, Quart, Bottle apps serve
    themselves with it). Only what runs at import counts (with/try blocks included): under
    ``if __name__ == "__main__":`` or in a function the call runs when the file is run as a script."""
    if tree is None:
        return None
    imported = _serving_imports(tree)
    # with/try blocks run at import too (`with make_server(...) as httpd:`); an if block may be the app's own
    # guard against Lambda (`if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:`), which cannot be read here
    for node in import_time(tree.body, conditional=False):
        if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
            continue
        if _serves(node.value.func, imported, app_names):
            call = ast.unparse(node.value)
            return ServerStart(node.lineno, call if len(call) <= 60 else call[:57] + "...")
    return None


def _serving_imports(tree: ast.Module) -> set[str]:
    """Names bound at module level to a SERVING function (``from bottle import run``)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in SERVING:
            names |= {alias.asname or alias.name for alias in node.names if alias.name in SERVING[node.module]}
    return names


def _serves(func: ast.expr, imported: set[str], app_names: tuple[str, ...]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in imported
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in FOREVER:
        return True
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    return (func.attr in SERVING.get(owner or "", ())) or (func.attr in APP_RUNS and owner in app_names)


def check(directory: Path, ref: str, source_dir: str) -> None:
    """An AppCodeError when the module of ``ref`` ("module:attribute"), in the app directory, starts a
    server at import; nothing to say of a module that comes from a dependency."""
    from shoehorn.appref import module_file
    from shoehorn.discovery import parse_file

    file, head = module_file(directory, ref, source_dir)
    started = find(parse_file(file), (head,)) if file is not None else None
    if started is None:
        return
    shown = file.relative_to(directory).as_posix()
    raise AppCodeError(
        f"{shown}:{started.line} starts a web server when the app is imported: {started.call}. Lambda imports "
        "the module to serve the app (as gunicorn and uvicorn do), so that call would never return and every "
        "cold start would time out",
        f"put it under `if __name__ == \"__main__\":` at the end of {shown} (it then runs only for `python "
        f"{shown}`): shoehorn's handler, `shoehorn dev` and any WSGI/ASGI server serve the app themselves")
