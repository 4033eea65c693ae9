"""Find the app object ("module:attribute") without importing the user's code.

The CLI only parses files with ``ast``: importing an app can be slow, can have side
effects (connecting to a database) and may need dependencies that are only installed
in the bundle. The bundle's isolated import check proves later that the import works.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from shoehorn import qualified
from shoehorn.bindings import bindings
from shoehorn.errors import ConfigError

MODULES = ("app", "main", "wsgi", "asgi", "application")
ATTRIBUTES = ("app", "application")
# Classes whose call makes an app object: `api = FastAPI()` is the app whatever the name it is bound to.
# Matched by the name written in the call (`FastAPI(...)`, `fastapi.FastAPI(...)`), never by importing.
APP_CLASSES = ("Flask", "FastAPI", "Starlette", "Quart", "Litestar", "Sanic", "Bottle", "Dash")
# App classes whose name alone says too little (Responder's `API` is also Flask-RESTful's extension,
# BlackSheep's `Application` also aiohttp's), matched by the dotted name the module's imports give them.
QUALIFIED_APP_CLASSES = frozenset({
    "responder.API", "blacksheep.Application", "blacksheep.server.Application", "emmett.App", "falcon.App",
    "falcon.asgi.App", "connexion.App", "connexion.FlaskApp", "connexion.AsyncApp", "microdot.asgi.Microdot",
    "microdot.wsgi.Microdot", "cherrypy.Application",
})
# Apps that run on a web server of their own making: the WSGI/ASGI app is that attribute of the object.
# A Dash app serves through its Flask (or FastAPI/Quart) `server`, which Dash's deployment docs hand to
# gunicorn (`server = app.server`, `gunicorn app:server`); Dash before 4 is not callable at all.
SERVED_BY = {"Dash": "server"}
# Calls that wrap a web app into a Lambda handler (Mangum, apig-wsgi), by the name written in the call:
# the app is their first argument. shoehorn's own handler replaces them, and calls the app itself.
LAMBDA_WRAPPERS = ("Mangum", "make_lambda_handler")
# serverless-wsgi's handler is a function calling handle_request(app, event, context).
HANDLE_REQUEST = "handle_request"
# Apps that route Lambda events themselves: neither WSGI nor ASGI, so shoehorn cannot run them.
NOT_WEB_APPS = ("Chalice",)
# App factories, as `flask --app` looks for them when a module holds no app object, and get_app, which
# Falcon's tutorial hands gunicorn (`gunicorn 'look.app:get_app()'`, beside a create_app(image_store)).
FACTORIES = ("create_app", "make_app", "get_app")
# Folders that never hold the app's own package.
_NOT_PACKAGES = frozenset({"tests", "test", "node_modules", "build", "dist", "venv", "env", "site-packages"})
SOURCE_DIRS = ("", "src")  # the app directory itself, then a src layout (src/<package>)


@dataclass(frozen=True, slots=True)
class Candidate:
    module: str  # dotted module name, e.g. "mypkg.wsgi"
    attribute: str  # "app" | "application" | "create_app()"
    file: Path
    line: int
    source_dir: str = ""  # "src" when the module lives under src/
    required: tuple[str, ...] = ()  # a factory's parameters without a default

    @property
    def ref(self) -> str:
        return f"{self.module}:{self.attribute}"


@dataclass(frozen=True, slots=True)
class WrappedHandler:
    """A module-level name that is a Lambda handler (or a Chalice app), not a WSGI/ASGI app."""

    name: str  # the name it is bound to, e.g. "handler"
    line: int
    made_by: str  # "Mangum(...)", "a function taking (event, context)", "Chalice(...)"
    wraps: str | None = None  # the app it calls, as written ("app", "app.app"); None: not known
    chalice: bool = False

    @property
    def wraps_name(self) -> str | None:
        """``wraps`` when it is a plain name (the same module binds it), else None."""
        return self.wraps if self.wraps is not None and self.wraps.isidentifier() else None


@dataclass(frozen=True, slots=True)
class Discovered:
    """What discovery settled on: the app reference and what the bundle needs to import it."""

    ref: str  # "module:attribute" or "module:factory()"
    source_dir: str = ""  # "src" for a src layout: the folder that goes on sys.path
    django_settings: str | None = None  # "mysite.settings" for a Django project
    # how the settings module was chosen when the project does not say it plainly (wsgi.py and manage.py name
    # two, or manage.py computes it), for `init` to say, with how to choose another
    settings_note: str | None = None


def discover(directory: Path, interface: str | None = None) -> Discovered:
    """The one app found in ``directory``; a ConfigError when none or several.

    A Django project (``manage.py``) is read from manage.py; otherwise a module-level app
    object in the conventional files (else in a package's ``__init__.py``) wins over an app factory
    (``create_app``/``make_app``).
    """
    from shoehorn import django_project  # (it reads files with this module's helpers)

    if django_project.manage_py(directory) is not None:
        return django_project.discover(directory, interface)
    found = _served(_unwrapped(candidates(directory), directory)) or factories(directory)
    _refuse_own_server(found, directory)
    if len(found) == 1 and found[0].required:
        factory = found[0]
        arguments = ", ".join(f"{name}=..." for name in factory.required)
        raise ConfigError(
            f"found the app factory {factory.attribute[:-2]}({', '.join(factory.required)}) "
            f"({factory.file.relative_to(directory)}:{factory.line}), but it needs arguments",
            f'pass them in shoehorn.toml: app = "{factory.module}:{factory.attribute[:-2]}({arguments})" '
            "(literal values: strings, numbers, True/False/None)",
        )
    if len(found) == 1:
        return Discovered(found[0].ref, found[0].source_dir)
    if not found:
        from shoehorn import paste_ini, unfound  # (it reads files with this module's helpers)

        ini = paste_ini.discover(directory)  # a Pyramid project run with `pserve production.ini`
        if ini is not None:
            return Discovered(ini, paste_ini.source_dir(directory, ini))

        raise ConfigError(
            f"no WSGI/ASGI app found in {directory}: looked for a Django project's manage.py, a module-level "
            f"`app` or `application` in {', '.join(m + '.py' for m in MODULES)} (and the same files inside a "
            f"package, or under src/), or any name bound there to {', '.join(c + '(...)' for c in APP_CLASSES)}, "
            f"for `app` or `application` in a package's __init__.py (bound there, or by `from .module import *`), "
            f"for an app factory ({', '.join(FACTORIES)}) there and in a package's __init__.py, and for a "
            f"PasteDeploy .ini defining [app:main] (here or in config/, as `pserve` runs it)",
            _elsewhere_hint(directory) or unfound.hint(directory)
            or 'set app = "module:attribute" (or a factory: app = "module:create_app()") in shoehorn.toml',
        )
    listing = "; ".join(f"{c.ref} ({c.file.relative_to(directory)}:{c.line})" for c in found)
    raise ConfigError(
        f"several candidate apps in {directory}: {listing}",
        f'pick one in shoehorn.toml, e.g. app = "{found[0].ref}" (or `shoehorn init --app {found[0].ref}`)',
    )


def lambda_handler(tree: ast.Module | None, name: str) -> WrappedHandler | None:
    """How ``name`` is bound at the module level of ``tree`` when that makes it a Lambda handler (a call
    of a LAMBDA_WRAPPERS name, a ``def name(event, context)``) or a Chalice app; else None."""
    for node in tree.body if tree is not None else ():
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(value, ast.Call) and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            called = called_name(value.func)
            if called in NOT_WEB_APPS:
                return WrappedHandler(name, node.lineno, f"{called}(...)", chalice=True)
            if called in LAMBDA_WRAPPERS:  # Mangum(app), make_lambda_handler(wsgi_app=app)
                given = [*value.args[:1], *(k.value for k in value.keywords if k.arg in ("app", "wsgi_app"))]
                wraps = ast.unparse(given[0]) if given else None
                return WrappedHandler(name, node.lineno, f"{called}({wraps or '...'})", wraps)
        if isinstance(node, ast.FunctionDef) and node.name == name \
                and [a.arg for a in node.args.args] == ["event", "context"]:
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call) and c.args
                     and called_name(c.func) in (*LAMBDA_WRAPPERS, HANDLE_REQUEST)]
            wraps = ast.unparse(calls[0].args[0]) if calls else None
            return WrappedHandler(name, node.lineno, "a function taking (event, context)", wraps)
    return None


def _unwrapped(found: list[Candidate], directory: Path) -> list[Candidate]:
    """``found`` with each Lambda handler replaced by the app it wraps (`app = Mangum(api)` -> api); a
    Chalice app, or a handler whose app has no name in its module, is refused."""
    kept: list[Candidate] = []
    for candidate in found:
        handler = lambda_handler(parse_file(candidate.file), candidate.attribute)
        if handler is None:
            kept.append(candidate)
        elif handler.chalice or handler.wraps_name in (None, handler.name):
            raise handler_error(handler, candidate.module, f"{candidate.file.relative_to(directory)}:{handler.line}")
        else:
            kept.append(Candidate(candidate.module, handler.wraps_name, candidate.file, handler.line,
                                  candidate.source_dir))
    return list({c.ref: c for c in kept}.values())  # each app once, found by itself and through its handler


def _refuse_own_server(found: list[Candidate], directory: Path) -> None:
    """A ConfigError naming the first of ``found`` that is an app only its own server runs (aiohttp, Tornado,
    Microdot's own), or a live UI framework's (Panel's ``app = pn.serve(layout)``)."""
    from shoehorn import live_ui, own_server

    for candidate in found:
        tree = parse_file(candidate.file)
        shown = candidate.file.relative_to(directory).as_posix()
        binding = own_server.bound(tree, candidate.attribute)
        if binding is not None:
            raise own_server.error(binding, f"{shown}:{binding.line}")
        live = live_ui.bound(tree, candidate.attribute)
        if live is not None:
            raise live_ui.error(live, shown)


def _served(found: list[Candidate]) -> list[Candidate]:
    """``found`` with each SERVED_BY app replaced by its server (`app = Dash(...)` -> app.server)."""
    kept = []
    for candidate in found:
        call = bound_call(parse_file(candidate.file), candidate.attribute)
        server = SERVED_BY.get(called_name(call.func)) if call is not None else None
        kept.append(Candidate(candidate.module, f"{candidate.attribute}.{server}", candidate.file, candidate.line,
                              candidate.source_dir) if server else candidate)
    return kept


def bound_call(tree: ast.Module | None, name: str) -> ast.Call | None:
    """The call ``name`` is bound to at the module level of ``tree`` (the last binding), else None."""
    call = None
    for node in tree.body if tree is not None else ():
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            call = node.value if isinstance(node.value, ast.Call) else None
    return call


def handler_error(handler: WrappedHandler, module: str, at: str, what: str = "") -> ConfigError:
    """The error for a Lambda handler (or a Chalice app) where the WSGI/ASGI app should be; ``at`` is
    file:line, ``what`` what named it (`'app' = "main:handler" in shoehorn.toml: `)."""
    if handler.chalice:
        return ConfigError(f"{what}{at}: {handler.name} = {handler.made_by} is a Chalice app, which is neither WSGI "
                           "nor ASGI (Chalice routes Lambda events itself), so shoehorn cannot run it",
                           "deploy it with `chalice deploy`, or move its routes to Flask or FastAPI")
    message = f"{what}{at}: {handler.name} is a Lambda handler ({handler.made_by}), not a WSGI or ASGI app"
    if handler.wraps_name == handler.name:  # `app = Mangum(app)`: no name is left for the web app
        return ConfigError(f"{message}, and the module has no other name for the web app",
                           "delete that line (shoehorn's own handler calls the app), or bind the handler to another "
                           f"name: handler = {handler.made_by}")
    if handler.wraps_name is not None:
        return ConfigError(message, f'point `app` at the app it calls: app = "{module}:{handler.wraps_name}" '
                                    "(shoehorn's own handler calls the app itself)")
    calls = f" ({handler.wraps})" if handler.wraps else ""
    return ConfigError(message, f'point `app` at the web app it calls{calls}: app = "module:attribute" in '
                                "shoehorn.toml (shoehorn's own handler calls the app itself)")


def _elsewhere_hint(directory: Path) -> str | None:
    """Where to run instead, when a folder above or just below ``directory`` is an app directory.

    Commands act on the directory they are given (never one found by searching), so a run from the
    parent or a subfolder of the app is told where to run, not to name an app here.
    """
    above = next((p for p in directory.parents if _is_app_directory(p)), None)
    if above is not None:
        return f"{above}, above this folder, is an app directory: run it in {above}, or pass -C {above}"
    try:
        below = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")
                       and _is_app_directory(p))
    except OSError:
        return None
    if len(below) == 1:
        return f"{below[0]} is an app directory: run it in {below[0]}, or pass -C {below[0]}"
    if below:
        return ("these folders are app directories: " + ", ".join(p.name for p in below[:5])
                + f": run it in one of them, or pass -C {below[0]}")
    return None


def _is_app_directory(path: Path) -> bool:
    """A shoehorn.toml, a pyproject.toml with [tool.shoehorn], or a Django project's manage.py."""
    import tomllib

    if (path / "shoehorn.toml").is_file() or (path / "manage.py").is_file():
        return True
    try:
        tool = tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8")).get("tool")
    except (OSError, ValueError):  # no file, or not TOML/UTF-8: nothing to go by
        return False
    return isinstance(tool, dict) and "shoehorn" in tool


def candidates(directory: Path) -> list[Candidate]:
    """Every module-level ``app``/``application`` binding in the conventional files, else in the
    ``__init__.py`` of conventionally named packages, else an app object bound to another name there, else
    ``app``/``application`` in any package's ``__init__.py``; star imports of the app's own modules followed."""
    found: list[Candidate] = []
    for source_dir, module, file in conventional_files(directory):
        found += _scan(file, module, source_dir)
    if found:
        return found
    # then a package with a conventional name holding the app in its __init__.py (the Flask
    # Mega-Tutorial's app/__init__.py), which `flask run` finds as the module "app"
    inits = [(source_dir, module, file) for source_dir, module, file in conventional_files(directory, True)
             if file.name == "__init__.py" and module in MODULES]
    for source_dir, module, file in inits:
        found += _scan(file, module, source_dir)
    if found:
        return found
    # then an app object bound to another name (`api = FastAPI()`), in the same files: after the
    # conventional names, so an app that mounts sub-apps (`sub = FastAPI()`) is still found as `app`
    for source_dir, module, file in [*conventional_files(directory), *inits]:
        found += _scan_calls(file, module, source_dir)
    if found:
        return found
    # last, `app`/`application` in any other package's __init__.py, bound there or brought by a star import:
    # httpbin's is `from .core import *`, served as `gunicorn httpbin:app`
    for source_dir, module, file in conventional_files(directory, True):
        if file.name == "__init__.py" and module not in MODULES:
            found += _scan(file, module, source_dir)
    return found


def factories(directory: Path) -> list[Candidate]:
    """Module-level ``def create_app``/``make_app`` in the conventional files and package inits."""
    found: list[Candidate] = []
    for source_dir, module, file in conventional_files(directory, with_inits=True):
        tree = parse_file(file)
        if tree is None:
            continue
        names = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in FACTORIES]
        if names:  # one that needs no arguments, then create_app before make_app (as `flask --app`), get_app
            first = min(names, key=lambda node: (bool(_required(node.args)), FACTORIES.index(node.name)))
            found.append(Candidate(module, f"{first.name}()", file, first.lineno, source_dir, _required(first.args)))
    return found


def _required(args: ast.arguments) -> tuple[str, ...]:
    """The parameters a call must pass (no default), keyword-only ones included."""
    positional = args.posonlyargs + args.args
    without_default = positional[: len(positional) - len(args.defaults)]
    keyword = [arg for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is None]
    return tuple(arg.arg for arg in without_default + keyword)


def conventional_files(directory: Path, with_inits: bool = False):
    """(source_dir, dotted module, file) for every conventional module that exists."""
    for source_dir in SOURCE_DIRS:
        base = directory / source_dir if source_dir else directory
        if not base.is_dir():
            continue
        if not source_dir:
            for module in MODULES:
                if (base / f"{module}.py").is_file():
                    yield source_dir, module, base / f"{module}.py"
        for package in sorted(p for p in base.iterdir() if is_package(p)):
            if with_inits:
                yield source_dir, package.name, package / "__init__.py"
            for module in MODULES:
                if (package / f"{module}.py").is_file():
                    yield source_dir, f"{package.name}.{module}", package / f"{module}.py"


def source_dir_of(directory: Path, module: str) -> str | None:
    """The SOURCE_DIRS entry holding ``module`` ("" or "src"), None when the app directory has none."""
    for source_dir in SOURCE_DIRS:
        base = (directory / source_dir if source_dir else directory).joinpath(*module.split("."))
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return source_dir
    return None


def parse_file(file: Path, configured: str | None = None) -> ast.Module | None:
    """``file`` parsed; ``configured`` is the ``app = "..."`` reference when the file is the module it
    names (naming the app explicitly is then no way out: the syntax error itself must be fixed)."""
    if not file.is_file():
        return None
    try:
        return ast.parse(file.read_bytes(), filename=str(file))
    except SyntaxError as error:
        where = f"{file}:{error.lineno}"
        if configured is not None:
            raise ConfigError(f"{where}: SyntaxError: {error.msg} (in the module of app = {configured!r})",
                              f"fix the syntax error at {where}") from None
        raise ConfigError(
            f"{where}: SyntaxError: {error.msg} (while looking for the app)",
            "fix the file, or name the app explicitly with app = \"module:attribute\" in shoehorn.toml",
        ) from None


def is_package(path: Path) -> bool:
    return (path.is_dir() and not path.name.startswith((".", "_")) and path.name not in _NOT_PACKAGES
            and (path / "__init__.py").is_file() and path.name.isidentifier())


def _scan(file: Path, module: str, source_dir: str = "") -> list[Candidate]:
    tree = parse_file(file)
    if tree is None:
        return []
    bound = bindings(tree, file, module, ATTRIBUTES)  # where each is bound: here, or a star import's module
    found = [Candidate(module, name, bound[name].file, bound[name].line, source_dir)
             for name in ATTRIBUTES if name in bound]
    # `application = app` (or the reverse) names one object twice: keep the original. `application =
    # app.server` (Dash's docs for AWS Elastic Beanstalk) names the web app of `app`: keep `application`.
    if len(found) == 2:
        for alias, original in (("application", "app"), ("app", "application")):
            if bound[alias].alias == original:
                found = [c for c in found if c.attribute == original]
                break
            if (bound[alias].alias or "").startswith(original + "."):
                found = [c for c in found if c.attribute == alias]
                break
    return found


def _scan_calls(file: Path, module: str, source_dir: str = "") -> list[Candidate]:
    """Module-level names bound to a call of an APP_CLASSES class, in the order they are bound."""
    tree = parse_file(file)
    found: dict[str, int] = {}
    names = qualified.imported(tree) if tree is not None else {}
    for node in import_time(tree.body) if tree is not None else ():
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not makes_app(value, names):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                found.setdefault(target.id, node.lineno)
    return [Candidate(module, name, file, line, source_dir) for name, line in found.items()]


def makes_app(value: ast.expr | None, names: dict[str, str]) -> bool:
    """``value`` calls an app class: one of APP_CLASSES by its name, or of QUALIFIED_APP_CLASSES by where
    ``names`` (the module's imports) say its name comes from."""
    return isinstance(value, ast.Call) and (called_name(value.func) in APP_CLASSES
                                            or qualified.called(value, names) in QUALIFIED_APP_CLASSES)


def import_time(body: list[ast.stmt], conditional: bool = True):
    """The statements of a module body that run when it is imported, also those inside with/try blocks
    (Pyramid's docs build the app inside `with Configurator() as config:`) and, with ``conditional``, if
    blocks, but never under the `if __name__ == "__main__":` guard, which runs only for `python file.py`,
    nor in functions or classes."""
    blocks = (ast.With, ast.AsyncWith, ast.Try, ast.TryStar, *((ast.If,) if conditional else ()))
    for node in body:
        yield node
        if isinstance(node, ast.If) and is_main_guard(node.test) or not isinstance(node, blocks):
            continue
        yield from import_time(node.body, conditional)
        yield from import_time(getattr(node, "orelse", []), conditional)
        yield from import_time(getattr(node, "finalbody", []), conditional)
        for handler in getattr(node, "handlers", ()):
            yield from import_time(handler.body, conditional)


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``."""
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None
