"""The app reference: ``"module:attribute"``, or a factory call ``"module:create_app()"``.

Written the way gunicorn and ``flask --app`` accept it: a factory may take keyword
arguments, literals only (``"pkg:create_app(debug=False, config={'X': 1})"``). The text is
parsed with ``ast`` and never evaluated, so a reference cannot run code of its own; the
factory is called once per process (per container on Lambda).
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shoehorn.errors import AppError

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
        raise ValueError('expected "module:attribute", e.g. "app:app" or "pkg:create_app()"')
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


def _attribute(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_attribute(node.value)}.{node.attr}"
    raise ValueError("the part after ':' must be an attribute name, or a call of one with literal keywords")


def _dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def load(ref: AppRef, directory: Path) -> Any:
    """Import the app named by ``ref`` (and call its factory); an AppError naming file:line
    when the app's own code fails (a syntax error, an import error, a missing name)."""
    from shoehorn.bundle.origin import describe

    try:
        obj: Any = importlib.import_module(ref.module)
    except Exception as error:  # noqa: BLE001 - whatever the app raises at import is its error
        raise AppError(f"importing {ref.module} failed: {describe(error, str(directory))}",
                       "fix the error in the app (it fails the same way on Lambda)") from error
    for index, part in enumerate(ref.attribute.split(".")):
        if not hasattr(obj, part):
            owner = ".".join([ref.module, *ref.attribute.split(".")[:index]])
            where = getattr(obj, "__file__", None) or owner
            raise AppError(f"{where}: {owner} has no attribute {part!r}",
                           'fix `app = "module:attribute"` in shoehorn.toml, or the name in the app')
        obj = getattr(obj, part)
    if ref.call:
        try:
            obj = obj(**dict(ref.kwargs))
        except Exception as error:  # noqa: BLE001
            raise AppError(f"calling the factory {ref.module}:{ref.attribute}() failed: "
                           f"{describe(error, str(directory))}", "fix the error in the app's factory") from error
    return obj


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
            raise AppError(report["message"], report["hint"])
    raise AppError(f"importing the app {ref} crashed the interpreter (exit {done.returncode}):\n"
                   + "\n".join(done.stderr.strip().splitlines()[-10:]))


_MARKER = "SHOEHORN-APPREF:"


def _main(directory: str, text: str) -> int:
    sys.path.insert(0, directory)
    try:
        load(parse(text), Path(directory))
    except AppError as error:
        print(_MARKER + json.dumps({"message": error.message, "hint": error.hint}), flush=True)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1], sys.argv[2]))
