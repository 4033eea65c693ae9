"""What to say when discovery finds no app: where the app is, as the files show it, and the change that serves it.

Frameworks' first examples are scripts, not modules a server imports: Pyramid's quick tour builds its app
under ``if __name__ == "__main__":``, Bottle's README serves its default app with ``run()`` and never names
it, Sanic's README saves its app as ``hello.py``. "set app = ..." alone does not help there: the first
needs the app built at module level, the second a name for the app, the third just the reference.
Read with ``ast``, as discovery is, never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from shoehorn import live_ui, qualified, server_start
from shoehorn.commandline import suggest
from shoehorn.discovery import (ATTRIBUTES, MODULES, called_name, conventional_files, is_main_guard, is_package,
                                makes_app, parse_file)
from shoehorn.errors import ConfigError
from shoehorn.runtime.interface import OWN_SERVER

# http.server's request handler classes (and socketserver's, which they are built on).
_STDLIB_HANDLERS = ("BaseHTTPRequestHandler", "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler",
                    "BaseRequestHandler", "StreamRequestHandler")
# Top-level files that are never the app: tools' and tests' files.
_NOT_APPS = frozenset({"setup.py", "manage.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py"})


def hint(directory: Path) -> str | None:
    """The hint for ``directory`` holding no app discovery recognises, or None when the files show nothing."""
    files = [(module, file) for source_dir, module, file in conventional_files(directory) if not source_dir]
    others = [file for file in sorted(directory.glob("*.py")) if file.stem not in MODULES
              and file.name not in _NOT_APPS and not file.name.startswith("test")]
    # a server of its own, where a WSGI/ASGI app should be: a live UI's (Streamlit, Gradio...) or an app's
    for module, file in [*files, *((file.stem, file) for file in others)]:
        live = live_ui.find(_parsed(file))
        if live is not None:
            return live_ui.hint(live, file.relative_to(directory).as_posix())
        said = _own_server(module, file, directory)
        if said is not None:
            return said
    for module, file in files:
        shown = file.relative_to(directory).as_posix()
        tree = _parsed(file)
        guarded = _built_under_main(tree)
        if guarded is not None:
            name, line = guarded
            return (f"{shown}:{line} builds `{name}` only under `if __name__ == \"__main__\":`, which runs for "
                    f"`python {shown}`, never when a server imports {module}: build the app at module level (move "
                    f"those lines above the block, keeping only the server's start under it), then `{name}` is "
                    f"found as {module}:{name}")
        started = server_start.find(tree)
        if started is not None:
            return (f"{shown}:{started.line} starts a server at import ({started.call}) and binds no app object: "
                    f"bind the app at module level (Bottle's default app: app = bottle.default_app(), after the "
                    f"routes) and put that call under `if __name__ == \"__main__\":`; the app is then found as "
                    f"{module}:app")
    pasted = _paste_factory(directory)
    if pasted is not None:
        return pasted
    for file in others:
        found = _app_binding(_parsed(file))
        if found is not None:
            name, line, made = found
            reference = f"{file.stem}:{name}"
            command = suggest(f"init --app {reference}", local_cloud=False)
            return (f"{file.name}:{line} binds {name} = {made}, in a file discovery does not read (it reads "
                    f"{', '.join(m + '.py' for m in MODULES)}): name it with `{command}` "
                    f"(app = \"{reference}\" in shoehorn.toml)")
    return None


def _own_server(module: str, file: Path, directory: Path) -> str | None:
    """What to say of ``file`` (the module ``module``) binding an app only its own server runs (aiohttp, Tornado),
    routing such a framework's default app (Klein's), serving HTTP with a request handler class of the standard
    library's http.server, or serving its root object with CherryPy's quickstart."""
    from shoehorn import own_server

    tree = _parsed(file)
    shown = file.relative_to(directory).as_posix()
    bindings = own_server.bindings(tree)
    if bindings:
        return (f"{shown}:{bindings[0].line} {own_server.describe(bindings[0])}; "
                f"{OWN_SERVER[bindings[0].framework][2]}")
    used = own_server.default_app_use(tree)
    if used is not None:
        line, what, framework = used
        named, why, fix = OWN_SERVER[framework]
        return (f"{shown}:{line} {what}, on {own_server.DEFAULT_APPS[framework]}: {named}, which is neither WSGI nor "
                f"ASGI ({why}); {fix}")
    handler = _stdlib_handler(tree)
    if handler is not None:
        name, line = handler
        return (f"{shown}:{line} serves HTTP with {name}, a request handler class of the standard library's "
                "http.server, which is neither WSGI nor ASGI: no server but http.server's own can call it. "
                "Write the handlers as a WSGI app (a function taking (environ, start_response), or a Flask app) or "
                f"an ASGI one, bound to `app` at module level; {_then(module)}")
    quickstart = _cherrypy_quickstart(tree)
    if quickstart is not None:
        root, line = quickstart
        return (f"{shown}:{line} serves {root} with cherrypy.quickstart(), on CherryPy's own server, and binds no WSGI "
                f"app: bind it at module level, app = cherrypy.Application({root}, script_name=None) (with config=... "
                f"for the quickstart's config); {_then(module)}. script_name=None takes the mount point from each "
                "request, the stage prefix on API Gateway: with cherrypy.tree.mount()'s default of '' every URL "
                "under the stage is a 404")
    return None


def _then(module: str) -> str:
    """How ``module:app`` is found once the module binds it: by discovery in a file it reads, else by name."""
    if module.rpartition(".")[2] in MODULES:
        return f"it is then found as {module}:app"
    command = suggest(f"init --app {module}:app", local_cloud=False)
    return f"name it with `{command}` (discovery does not read {module})"


def _cherrypy_quickstart(tree: ast.Module | None) -> tuple[str, int] | None:
    """(the root object as written, line) of a ``cherrypy.quickstart(Root(), ...)`` call anywhere in the module
    (CherryPy's tutorials make it under ``if __name__ == "__main__":``)."""
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and called_name(node.func) == "quickstart" and node.args \
                and isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "cherrypy":
            return ast.unparse(node.args[0]), node.lineno
    return None


def _stdlib_handler(tree: ast.Module | None) -> tuple[str, int] | None:
    """(name, line) of a module-level class based on one of http.server's request handlers."""
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.ClassDef) and any(called_name(base) in _STDLIB_HANDLERS for base in node.bases):
            return node.name, node.lineno
    return None


def _paste_factory(directory: Path) -> str | None:
    """A package's ``def main(global_config, **settings)``: the PasteDeploy app factory a Pyramid project's
    ``pserve development.ini`` calls (``[app:main] use = egg:NAME``), which the app reference can call too.
    Reached only without such an .ini: with one, discovery takes the .ini (shoehorn.paste_ini)."""
    for package in sorted(p for p in directory.iterdir() if is_package(p)):
        tree = _parsed(package / "__init__.py")
        for node in tree.body if tree is not None else ():
            if isinstance(node, ast.FunctionDef) and node.name == "main" and node.args.args \
                    and node.args.args[0].arg == "global_config":
                reference = f"{package.name}:main(global_config={{}})"
                return (f"{package.name}/__init__.py:{node.lineno} defines main(global_config, **settings), the app "
                        f"factory `pserve` calls with an .ini file: name it with "
                        f"`{suggest(f'init --app {reference!r}', local_cloud=False)}` (app = \"{reference}\" in "
                        "shoehorn.toml), which calls it with no settings; with the .ini `pserve` runs beside it "
                        "(an [app:main] section), `init` finds that file and deploys the app with its settings")
    return None


def _parsed(file: Path) -> ast.Module | None:
    """``file`` parsed, or None when it does not parse: a broken script beside the app is not the error to show."""
    try:
        return parse_file(file)
    except ConfigError:
        return None


def _built_under_main(tree: ast.Module | None) -> tuple[str, int] | None:
    """(name, line) of an app bound inside a module-level ``if __name__ == "__main__":`` block: an
    ``app``/``application``, a call of an app class, or Pyramid's ``config.make_wsgi_app()``."""
    names = qualified.imported(tree) if tree is not None else {}
    for node in tree.body if tree is not None else ():
        if not (isinstance(node, ast.If) and is_main_guard(node.test)):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Assign):
                continue
            for target in inner.targets:
                if isinstance(target, ast.Name) and (target.id in ATTRIBUTES or _makes_app(inner.value, names)):
                    return target.id, inner.lineno
    return None


def _makes_app(value: ast.expr, names: dict[str, str]) -> bool:
    return makes_app(value, names) or isinstance(value, ast.Call) and called_name(value.func) == "make_wsgi_app"


def _app_binding(tree: ast.Module | None) -> tuple[str, int, str] | None:
    """(name, line, "Sanic(...)") of the first module-level name bound to a call of an app class."""
    names = qualified.imported(tree) if tree is not None else {}
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign) and _makes_app(node.value, names):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    return target.id, node.lineno, f"{called_name(node.value.func)}(...)"
    return None
