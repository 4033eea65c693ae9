"""The names a module binds at its top level, read from its source (never imported), star imports followed.

httpbin's __init__.py is one line, ``from .core import *``, and its app is core.py's ``app``: gunicorn runs it as
``httpbin:app``. A ``from X import *`` of one of the app's own modules brings that module's public names (its
``__all__`` when it has one), so discovery reads them where they are bound. A module of a dependency, or an
``__all__`` that is not a literal list, is not followed: discovery never guesses a reference that may not import.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, NamedTuple


class Bound(NamedTuple):
    file: Path  # where the name is bound: the module itself, or the one a star import brings it from
    line: int
    alias: str | None  # what it is bound to when that is a name or dotted path (`application = app`), else None


class StarTarget(NamedTuple):
    file: Path  # the module a `from X import *` names, when it is one of the app's own
    module: str  # its dotted name


def bindings(tree: ast.Module, file: Path, module: str, names: Iterable[str],
             seen: frozenset[Path] = frozenset()) -> dict[str, Bound]:
    """Which of ``names`` the module ``module`` (parsed: ``tree``, read from ``file``) binds at its top level,
    and where: the last binding wins, as when the module runs, a star import binding at its own line."""
    from shoehorn.discovery import parse_file  # (discovery reads modules with this one: imported when used)

    wanted = tuple(names)
    found = {name: Bound(file, line, alias) for name, (line, alias) in own_bindings(tree, wanted).items()}
    at = {name: bound.line for name, bound in found.items()}  # the line of this module that binds it last
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)):
            continue
        target = star_target(node, file, module)
        if target is None or target.file in seen or target.file == file:
            continue
        target_tree = parse_file(target.file)
        exported = exported_names(target_tree) if target_tree is not None else frozenset()
        public = [n for n in wanted if (n in exported if exported is not None else not n.startswith("_"))]
        brought = bindings(target_tree, target.file, target.module, public, seen | {file}) if public else {}
        for name, bound in brought.items():
            if at.get(name, 0) < node.lineno:  # the star import runs after the module's binding: it wins
                found[name], at[name] = bound, node.lineno
    return found


def own_bindings(tree: ast.Module, names: tuple[str, ...]) -> dict[str, tuple[int, str | None]]:
    """Which of ``names`` the module binds itself -> (line, the name they alias when bound as `x = y`, or the
    dotted path when bound as `x = y.z`), also one of a tuple (`app, rt = fast_app()`); inside with/try/if blocks
    too, never under the __main__ guard."""
    from shoehorn.discovery import import_time  # (as parse_file above: imported when used)

    bound: dict[str, tuple[int, str | None]] = {}

    def bind(target: ast.expr, value: ast.expr | None, line: int) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):  # FastHTML's `app, rt = fast_app()`: no alias
            for element in target.elts:
                bind(element.value if isinstance(element, ast.Starred) else element, None, line)
        elif isinstance(target, ast.Name) and target.id in names:
            alias = value.id if isinstance(value, ast.Name) else ast.unparse(value) if isinstance(
                value, ast.Attribute) else None
            bound[target.id] = (line, alias)

    for node in import_time(tree.body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value, node.lineno)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind(node.target, node.value, node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in names:
                bound[node.name] = (node.lineno, None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                if name in names and alias.name != "*":
                    bound[name] = (node.lineno, None)
    return bound


def star_target(node: ast.ImportFrom, file: Path, module: str) -> StarTarget | None:
    """The app's own module ``from X import *`` names, in ``module`` (read from ``file``); None for a module
    outside the folder the app's top-level package sits in (a dependency's)."""
    parts = module.split(".")
    is_init = file.name == "__init__.py"
    package = parts if is_init else parts[:-1]
    root = file.parents[len(parts) - (0 if is_init else 1)]  # the folder that goes on sys.path
    if node.level:  # relative: `from .core import *` is core of this module's package
        if node.level - 1 > len(package):
            return None
        base = package[: len(package) - (node.level - 1)]
    else:
        base = []
    named = [*base, *(node.module.split(".") if node.module else [])]
    if not named:
        return None
    path = root.joinpath(*named)
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return StarTarget(candidate, ".".join(named))
    return None


def exported_names(tree: ast.Module) -> frozenset[str] | None:
    """A module's ``__all__`` when it sets one as literal strings (``= [...]``, ``+= [...]``); None when it sets
    none (every public name is exported); an empty set when it is computed (nothing is taken as exported)."""
    names: set[str] | None = None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        value = node.value
        literal = isinstance(value, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
        if not literal or (isinstance(node, ast.AugAssign) and (names is None or not isinstance(node.op, ast.Add))):
            return frozenset()
        given = {e.value for e in value.elts}
        names = names | given if isinstance(node, ast.AugAssign) else given
    return None if names is None else frozenset(names)
