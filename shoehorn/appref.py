"""The app reference: ``"module:attribute"``, a factory call ``"module:create_app()"``, or a PasteDeploy
.ini file ``"production.ini"`` (shoehorn.paste_ini: loaded as ``pserve`` loads it).

Written the way gunicorn and ``flask --app`` accept it: a factory may take keyword
arguments, literals only (``"pkg:create_app(debug=False, config={'X': 1})"``). The text is
parsed with ``ast`` and never evaluated, so a reference cannot run code of its own; the
factory is called once per process (per container on Lambda).

Three uses: ``parse`` (config and the bundle's shim), ``load`` (``shoehorn dev``: import it,
naming file:line when the app's code fails) and the static checks ``check_module`` /
``check_attribute`` that config runs on a configured reference without importing anything.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shoehorn.commandline import suggest
from shoehorn.discovery import handler_error, lambda_handler, parse_file, source_dir_of
from shoehorn.errors import AppCodeError, ConfigError
from shoehorn.paste_ini import IniRef, is_ini, parse as parse_ini

_IDENTIFIER_PATH = "a dotted name of identifiers"


@dataclass(frozen=True, slots=True)
class AppRef:
    module: str  # "pkg.wsgi"
    attribute: str  # "app", or a path like "server.app"
    call: bool = False  # a factory: the app is attribute(**kwargs)
    kwargs: tuple[tuple[str, Any], ...] = ()  # literal keyword arguments, in written order

    @property
    def head(self) -> str:
        return self.attribute.split(".", 1)[0]

    @property
    def tail(self) -> tuple[str, ...]:
        return tuple(self.attribute.split(".")[1:])


def parse(text: str) -> AppRef:
    """``text`` as an AppRef; ValueError (saying what is wrong) when it is not one."""
    module, colon, target = text.partition(":")
    if not colon or not _dotted(module):
        raise ValueError("no ':' between the module and the attribute" if not colon else f"{module!r} is not a module name")
    try:
        node = ast.parse(target.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(f"{target!r} is not an attribute name or a factory call") from None
    if isinstance(node, ast.Call):
        if node.args:
            raise ValueError("factory arguments must be keywords, e.g. create_app(config=\"prod\")")
        kwargs = []
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ValueError("factory arguments must be written out (no **mapping)")
            try:
                kwargs.append((keyword.arg, ast.literal_eval(keyword.value)))
            except ValueError:
                raise ValueError(f"factory argument {keyword.arg!r} must be a literal (string, number, "
                                 "True/False/None, list, dict)") from None
        return AppRef(module, _attribute(node.func), True, tuple(kwargs))
    return AppRef(module, _attribute(node))


def parse_any(text: str) -> AppRef | IniRef:
    """``text`` as an IniRef when it names an .ini file, else as an AppRef; ValueError when it is neither."""
    return parse_ini(text) if is_ini(text) else parse(text)


def _attribute(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_attribute(node.value)}.{node.attr}"
    raise ValueError("the part after ':' must be an attribute name, or a call of one with literal keywords")


def _dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def load(ref: AppRef | IniRef, directory: Path) -> Any:
    """Import the app named by ``ref`` (and call its factory); an AppCodeError naming file:line
    when the app's own code fails (a syntax error, an import error, a missing name)."""
    from shoehorn.bundle.origin import describe

    if isinstance(ref, IniRef):
        return _load_ini(ref, directory)
    try:
        obj: Any = importlib.import_module(ref.module)
    except Exception as error:  # noqa: BLE001 - whatever the app raises at import is its error
        raise AppCodeError(f"importing {ref.module} failed: {describe(error, str(directory))}",
                           _import_hint(error, directory, ref)) from error
    for index, part in enumerate(ref.attribute.split(".")):
        if not hasattr(obj, part):
            owner = ".".join([ref.module, *ref.attribute.split(".")[:index]])
            where = getattr(obj, "__file__", None) or owner
            raise AppCodeError(f"{where}: {owner} has no attribute {part!r}",
                           'fix `app = "module:attribute"` in shoehorn.toml, or the name in the app')
        obj = getattr(obj, part)
    if ref.call:
        try:
            obj = obj(**dict(ref.kwargs))
        except Exception as error:  # noqa: BLE001
            raise AppCodeError(f"calling the factory {ref.module}:{ref.attribute}() failed: "
                           f"{describe(error, str(directory))}", "fix the error in the app's factory") from error
    from shoehorn.runtime.errors import UnknownInterface
    from shoehorn.runtime.interface import refuse_not_web_app

    try:  # an aiohttp or Tornado app, a Lambda handler: `dev` said "internal error", or answered 500s
        refuse_not_web_app(obj)
    except UnknownInterface as error:
        raise AppCodeError(error.message, error.hint) from None
    if not callable(obj):  # uvicorn would fail at the first request (or at startup), far from the cause
        what = f"{ref.module}:{ref.attribute}" + ("()" if ref.call else "")
        raise AppCodeError(f"{what} is {type(obj).__name__} {obj!r:.60}, not a WSGI or ASGI app",
                           'point app = "module:attribute" in shoehorn.toml at the app object, or at a factory '
                           'that returns it ("module:create_app()")')
    return obj


def _load_ini(ref: IniRef, directory: Path) -> Any:
    """The app of a PasteDeploy .ini, loaded by the code the bundle runs (shoehorn.paste_loader)."""
    from shoehorn.bundle.origin import describe
    from shoehorn import paste_loader as paste

    try:
        return paste.load(str((directory / ref.file).resolve()), ref.name)
    except paste.PasteMissing as error:
        raise AppCodeError(str(error), f"`shoehorn dev` runs the app in this Python environment: pip install "
                                       f"{paste.PACKAGE} here too") from error
    except Exception as error:  # noqa: BLE001 - whatever the app's factory (or PasteDeploy) raises is shown
        egg = _unfound_egg(error, directory, ref)
        raise AppCodeError(f"loading the app {ref.name!r} of {ref.file} as `pserve` does failed: "
                           + (f"{type(error).__name__}: {error}" if egg else describe(error, str(directory))),
                           (f"`use = egg:{egg}` in {ref.file} needs the project installed where the app runs, as "
                            f"`pserve` does: `pip install -e .` here (the bundle carries its entry points itself)")
                           if egg else _import_hint(error, directory)) from error


def _unfound_egg(error: Exception, directory: Path, ref: IniRef) -> str | None:
    """The ``egg:NAME`` of the .ini that ``error`` says is not installed here, or None."""
    from importlib.metadata import PackageNotFoundError

    from shoehorn.paste_ini import eggs

    if not isinstance(error, PackageNotFoundError):
        return None
    return next((name for name in eggs(directory, ref) if name in str(error)), None)


def _import_hint(error: Exception, directory: Path, ref: AppRef | None = None) -> str:
    """A module that is neither the app's nor installed here is missing from this environment
    (`shoehorn dev` imports the app where shoehorn runs), not from the bundle; unless it is the
    module `app` names and the app has one of a close name (a typo)."""
    from shoehorn.app_imports import misspelt

    missing = (error.name or "").partition(".")[0] if isinstance(error, ModuleNotFoundError) else ""
    close = misspelt(directory, missing) if ref is not None and missing == ref.module.split(".")[0] else None
    if close:
        return f"'app' names module '{missing}', which the app directory does not hold: did you mean {close!r}?"
    if missing and not (directory / missing).exists() and not (directory / f"{missing}.py").exists():
        if not any((directory / name).is_file() for name in ("requirements.txt", "pyproject.toml")):
            # "install the requirements" would point at a file that does not exist, and the bundle needs one
            return (f"`shoehorn dev` runs the app in this Python environment, where {missing} is not installed, "
                    f"and the app has no requirements file: create requirements.txt listing the package that "
                    f"provides {missing} (the bundle installs only what it lists), then pip install -r "
                    "requirements.txt")
        return (f"`shoehorn dev` runs the app in this Python environment, where {missing} is not installed: "
                f"install the app's requirements here ({_install_command(directory)}), or use "
                f"`{suggest('dev --lambda', local_cloud=False)}`, which runs the built bundle with them")
    import traceback

    from shoehorn import unset_variable

    unset = unset_variable.hint("".join(traceback.format_exception(error)), unset_variable.settings_file(directory))
    return unset or "fix the error in the app (it fails the same way on Lambda)"


def _install_command(directory: Path) -> str:
    """How to install the app's requirements here, from the file config would read them from."""
    if (directory / "requirements.txt").is_file():
        return "pip install -r requirements.txt"
    if (directory / "uv.lock").is_file():
        return "uv sync"
    return "pip install -e ., which installs pyproject.toml's dependencies"


def probe(directory: Path, ref: str, environment: dict[str, str], sys_path: tuple[Path, ...] = ()) -> None:
    """Import the app once in a fresh interpreter (as a reloading server's worker will), so a
    broken app is reported with file:line before the server starts."""
    import os
    import subprocess

    env = {**os.environ, **environment}
    paths = [str(p) for p in sys_path] + [env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    done = subprocess.run([sys.executable, "-m", "shoehorn.appref", str(directory), ref], cwd=directory, env=env,
                          capture_output=True, text=True)
    if done.returncode == 0:
        return
    for line in done.stdout.splitlines():
        if line.startswith(_MARKER):
            report = json.loads(line[len(_MARKER):])
            raise AppCodeError(report["message"], report["hint"])
    raise AppCodeError(f"importing the app {ref} crashed the interpreter (exit {done.returncode}):\n"
                   + "\n".join(done.stderr.strip().splitlines()[-10:]))


# --------------------------------------------------------------------------- static checks of a configured reference
# (the CLI never imports the app: these read files, like discovery)


def check_module(directory: Path, ref: str, where: str, installs_dependencies: bool) -> str:
    """The source dir of the module named by ``app = "module:attr"``.

    A module that is not in the app directory may come from a dependency (many tools ship
    their app object in their package): accepted when the app has requirements, and the
    bundle check proves the import.
    """
    module = ref.split(":", 1)[0]
    found = source_dir_of(directory, module)
    if found is not None or installs_dependencies:
        return found or ""
    base = directory.joinpath(*module.split("."))
    raise ConfigError(
        f"'app' = {ref!r} in {where}: module {module!r} is not in {directory} "
        f"(looked for {base.relative_to(directory)}.py and {base.relative_to(directory)}/__init__.py, "
        "and the same under src/), and the app has no requirements that could install it",
        "module paths are relative to the app directory; fix the name or the -C/--dir option, "
        "or list the package that provides it in requirements.txt",
    )


def check_attribute(directory: Path, ref: str, source_dir: str, where: str) -> None:
    """Fail early when the app's module plainly binds no such name (a typo in ``app = "module:name"``).

    Static like the rest of discovery: names bound at module level (also inside if/try/with
    blocks), submodules of a package; a star import or a module ``__getattr__`` means "cannot
    tell", and the bundle check decides.
    """
    file, head = module_file(directory, ref, source_dir)
    if file is None:
        return
    names = _bound_names(parse_file(file, configured=ref).body)
    if names is None or head in names:
        return
    close = difflib.get_close_matches(head, sorted(names), n=1)
    raise ConfigError(
        f"'app' = {ref!r} in {where}: {file.relative_to(directory)} binds no module-level name {head!r}",
        f"did you mean {close[0]!r}?" if close else "name the app object or factory the module defines",
    )


def check_not_lambda_handler(directory: Path, ref: str, source_dir: str, where: str) -> None:
    """Fail early when ``app`` names a Lambda handler (``handler = Mangum(app)``, a ``def handler(event,
    context)``), a Chalice app, an app only its own server runs (aiohttp, Tornado) or a live UI framework's
    (shoehorn.live_ui): the bundle check would fail on it, with less to say about the fix."""
    from shoehorn import live_ui, own_server

    file, head = module_file(directory, ref, source_dir)
    tree = parse_file(file, configured=ref) if file is not None else None
    target = ref.partition(":")[2].strip()
    # `app = web.Application()` named as "app:app", `def make_app(): return tornado.web.Application(...)` as
    # "app:make_app()": no WSGI/ASGI interface to drive, whatever `interface` says
    binding = own_server.bound(tree, head) or own_server.bound(tree, f"{head}()")  # a factory, called or not
    if binding is not None and target in (head, f"{head}()"):
        raise own_server.error(binding, f"{file.relative_to(directory)}:{binding.line}",
                               f"'app' = {ref!r} in {where}: ")
    live = live_ui.bound(tree, head)  # `app = pn.serve(layout)`, `from nicegui import app`: pages no Lambda holds
    if live is not None:
        raise live_ui.error(live, file.relative_to(directory).as_posix(), f"'app' = {ref!r} in {where}: ")
    handler = lambda_handler(tree, head)
    if handler is None or target != head:
        return
    raise handler_error(handler, ref.partition(":")[0], f"{file.relative_to(directory)}:{handler.line}",
                        f"'app' = {ref!r} in {where}: ")


def module_file(directory: Path, ref: str, source_dir: str) -> tuple[Path | None, str]:
    """(the file of ``ref``'s module, the first name after ':'); the file is None when it is not in the
    app directory, or when that name is a submodule of the package (nothing to read in the file)."""
    if is_ini(ref):  # the factory is found by PasteDeploy at run time: no module to read here
        return None, ""
    module, _, target = ref.partition(":")
    head = target.split("(", 1)[0].split(".", 1)[0].strip()
    base = (directory / source_dir if source_dir else directory).joinpath(*module.split("."))
    file = base / "__init__.py" if (base / "__init__.py").is_file() else base.with_suffix(".py")
    if not file.is_file() or (base / f"{head}.py").is_file() or (base / head / "__init__.py").is_file():
        return None, head
    return file, head


def _bound_names(body: list[ast.stmt]) -> set[str] | None:
    """Names a module body binds, or None when it cannot be told statically."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == "__getattr__":
                return None  # PEP 562: any name may resolve
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With,
                               ast.AsyncWith)):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            targets += [item.optional_vars for item in getattr(node, "items", ())]
            names.update(n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name))
        if isinstance(node, ast.expr) or isinstance(node, ast.Expr):
            continue
        for field in ("body", "orelse", "finalbody"):  # if/try/with/for/while blocks run at import
            inner = getattr(node, field, None)
            if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found = _bound_names(inner)
                if found is None:
                    return None
                names |= found
        for handler in getattr(node, "handlers", ()):
            found = _bound_names(handler.body)
            if found is None:
                return None
            names |= found
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.NamedExpr):
            names.add(node.target.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "setattr"):
            return None  # names made at run time
    return names


_MARKER = "SHOEHORN-APPREF:"


def _main(directory: str, text: str) -> int:
    sys.path.insert(0, directory)
    try:
        load(parse_any(text), Path(directory))
    except AppCodeError as error:
        print(_MARKER + json.dumps({"message": error.message, "hint": error.hint}), flush=True)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1], sys.argv[2]))
