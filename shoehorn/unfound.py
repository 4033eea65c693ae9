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

from shoehorn import server_start
from shoehorn.commandline import suggest
from shoehorn.discovery import (APP_CLASSES, ATTRIBUTES, MODULES, called_name, conventional_files, is_main_guard,
                                is_package, parse_file)
from shoehorn.errors import ConfigError

# Top-level files that are never the app: tools' and tests' files.
_NOT_APPS = frozenset({"setup.py", "manage.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py"})


def hint(directory: Path) -> str | None:
    """The hint for ``directory`` holding no app discovery recognises, or None when the files show nothing."""
    files = [(module, file) for source_dir, module, file in conventional_files(directory) if not source_dir]
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
    for file in sorted(directory.glob("*.py")):
        if file.stem in MODULES or file.name in _NOT_APPS or file.name.startswith("test"):
            continue
        found = _app_binding(_parsed(file))
        if found is not None:
            name, line, made = found
            reference = f"{file.stem}:{name}"
            command = suggest(f"init --app {reference}", local_cloud=False)
            return (f"{file.name}:{line} binds {name} = {made}, in a file discovery does not read (it reads "
                    f"{', '.join(m + '.py' for m in MODULES)}): name it with `{command}` "
                    f"(app = \"{reference}\" in shoehorn.toml)")
    return None


def _paste_factory(directory: Path) -> str | None:
    """A package's ``def main(global_config, **settings)``: the PasteDeploy app factory a Pyramid project's
    ``pserve development.ini`` calls (``[app:main] use = egg:NAME``), which the app reference can call too."""
    for package in sorted(p for p in directory.iterdir() if is_package(p)):
        tree = _parsed(package / "__init__.py")
        for node in tree.body if tree is not None else ():
            if isinstance(node, ast.FunctionDef) and node.name == "main" and node.args.args \
                    and node.args.args[0].arg == "global_config":
                reference = f"{package.name}:main(global_config={{}})"
                return (f"{package.name}/__init__.py:{node.lineno} defines main(global_config, **settings), the app "
                        f"factory `pserve` calls with an .ini file: name it with "
                        f"`{suggest(f'init --app {reference!r}', local_cloud=False)}` (app = \"{reference}\" in "
                        "shoehorn.toml); the .ini's settings are not read, so the app gets none of them")
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
    for node in tree.body if tree is not None else ():
        if not (isinstance(node, ast.If) and is_main_guard(node.test)):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Assign):
                continue
            for target in inner.targets:
                if isinstance(target, ast.Name) and (target.id in ATTRIBUTES or _makes_app(inner.value)):
                    return target.id, inner.lineno
    return None


def _makes_app(value: ast.expr) -> bool:
    if not isinstance(value, ast.Call):
        return False
    return called_name(value.func) in (*APP_CLASSES, "make_wsgi_app")


def _app_binding(tree: ast.Module | None) -> tuple[str, int, str] | None:
    """(name, line, "Sanic(...)") of the first module-level name bound to a call of an app class."""
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign) and _makes_app(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    return target.id, node.lineno, f"{called_name(node.value.func)}(...)"
    return None
