"""Apps that run only on their framework's own HTTP server, read from the app's files (never imported).

An aiohttp ``app = web.Application()`` in app.py was found as the app and failed the bundle check with
"it takes no arguments... if it is an app factory, call it"; Tornado's ``def make_app(): return
tornado.web.Application([...])`` was found as the factory make_app() and failed with "set interface =
wsgi or asgi", settings that cannot work. Neither framework has a WSGI or ASGI interface (the runtime's
OWN_SERVER says why), so ``init``, ``build`` and ``dev`` say so before installing anything. Microdot's README
app (``from microdot import Microdot``) is one too: its fix is the same app imported from microdot.asgi. So is a
Klein app (Twisted's web server serves it), and Klein's README script, which routes and runs Klein's default
app without naming it. So is a Robyn app (``app = Robyn(__file__)``, ``app.start()``): its server is Rust.

The class is matched by where its name comes from (``from aiohttp import web`` then ``web.Application``,
``import tornado`` then ``tornado.web.Application``): an ``Application`` of BlackSheep or Falcon is ASGI.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from shoehorn import qualified
from shoehorn.errors import ConfigError
from shoehorn.runtime.interface import OWN_SERVER

# The dotted names of the app classes, by OWN_SERVER key (aiohttp.web re-exports web_app's Application;
# microdot's own Microdot is its top package's, its ASGI and WSGI ones are microdot.asgi's and microdot.wsgi's;
# Klein's is klein's and klein.app's).
CLASSES = {
    "aiohttp.web.Application": "aiohttp",
    "aiohttp.web_app.Application": "aiohttp",
    "tornado.web.Application": "tornado",
    "klein.Klein": "klein",
    "klein.app.Klein": "klein",
    "robyn.Robyn": "robyn",
    "microdot.Microdot": "microdot.microdot",
    "microdot.microdot.Microdot": "microdot.microdot",
}

# The functions of a framework's module-level default app, which a script routes and serves without ever
# naming the app (Klein's README: `from klein import run, route`, `@route("/")`, `run("localhost", 8080)`).
DEFAULT_APP_FUNCTIONS = {f"{module}.{function}": "klein" for module in ("klein", "klein.app")
                         for function in ("route", "run", "resource", "subroute", "handle_errors")}
DEFAULT_APPS = {"klein": "Klein's default app"}


@dataclass(frozen=True, slots=True)
class OwnServerBinding:
    """A name the module binds to an app of its framework's own server."""

    name: str  # "app", or a factory's "make_app()"
    line: int
    framework: str  # a key of OWN_SERVER: "aiohttp", "tornado", "microdot.microdot"
    call: str  # as written, shortened: "web.Application()"


def framework_of(call: ast.expr | None, names: dict[str, str]) -> str | None:
    """The OWN_SERVER framework whose app class ``call`` calls, else None."""
    return CLASSES.get(qualified.called(call, names) or "")


def bindings(tree: ast.Module | None) -> list[OwnServerBinding]:
    """Module-level names bound to an app of OWN_SERVER, and factories (module-level functions) that return
    one, in the order of the file."""
    if tree is None:
        return []
    names = qualified.imported(tree)
    found: list[OwnServerBinding] = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and (framework := framework_of(node.value, names)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [OwnServerBinding(t.id, node.lineno, framework, _shown(node.value))
                      for t in targets if isinstance(t, ast.Name)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            made = _returned(node, names)
            if made is not None:
                found.append(OwnServerBinding(f"{node.name}()", node.lineno, *made))
    return found


def bound(tree: ast.Module | None, attribute: str) -> OwnServerBinding | None:
    """How ``attribute`` ("app", "make_app()") is bound in ``tree`` when that makes it an OWN_SERVER app."""
    return next((b for b in bindings(tree) if b.name == attribute), None)


def default_app_use(tree: ast.Module | None) -> tuple[int, str, str] | None:
    """(line, what it does, OWN_SERVER key) of the module's first use of a framework's default app at module
    level: a decorator (``@route("/")``: "routes with @route(...)") or a call (``run(...)``: "serves it with
    run(...)")."""
    names = qualified.imported(tree) if tree is not None else {}
    for node in tree.body if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            uses = [(call, "routes with @") for call in node.decorator_list]
        else:
            uses = [(node.value, "serves it with ")] if isinstance(node, ast.Expr) else []
        for call, doing in uses:
            framework = DEFAULT_APP_FUNCTIONS.get(qualified.called(call, names) or "")
            if framework is not None:
                return call.lineno, f"{doing}{ast.unparse(call.func)}(...)", framework
    return None


def _returned(function: ast.FunctionDef | ast.AsyncFunctionDef, names: dict[str, str]) -> tuple[str, str] | None:
    """(framework, call) when ``function`` returns an app of OWN_SERVER: the call itself, or a name it bound
    to one (``app = web.Application(); ...; return app``)."""
    made: dict[str, tuple[str, str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and (framework := framework_of(node.value, names)):
            made.update({t.id: (framework, _shown(node.value)) for t in node.targets if isinstance(t, ast.Name)})
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            if framework := framework_of(node.value, names):
                return framework, _shown(node.value)
            if isinstance(node.value, ast.Name) and node.value.id in made:
                return made[node.value.id]
    return None


def _shown(call: ast.expr) -> str:
    """The call as written, its arguments left out when long (a Tornado route table)."""
    text = ast.unparse(call)
    return text if len(text) <= 40 else f"{ast.unparse(call.func)}(...)"


def describe(binding: OwnServerBinding) -> str:
    """"binds app = web.Application(), an aiohttp web.Application, which is neither WSGI nor ASGI (...)"."""
    what, why, _ = OWN_SERVER[binding.framework]
    if binding.name.endswith("()"):
        bound_as = f"defines {binding.name[:-2]}(), which returns {binding.call}"
    else:
        bound_as = f"binds {binding.name} = {binding.call}"
    return f"{bound_as}: {what}, which is neither WSGI nor ASGI ({why})"


def error(binding: OwnServerBinding, at: str, what: str = "") -> ConfigError:
    """The error for an OWN_SERVER app where the WSGI/ASGI app should be; ``at`` is file:line, ``what``
    what named it (`'app' = "app:app" in shoehorn.toml: `)."""
    return ConfigError(f"{what}{at} {describe(binding)}, so shoehorn cannot run it", OWN_SERVER[binding.framework][2])
