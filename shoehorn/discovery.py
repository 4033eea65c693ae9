"""Find the app object ("module:attribute") without importing the user's code.

The CLI only parses files with ``ast``: importing an app can be slow, can have side
effects (connecting to a database) and may need dependencies that are only installed
in the bundle. The bundle's isolated import check proves later that the import works.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from shoehorn.errors import ConfigError

MODULES = ("app", "main", "wsgi", "asgi", "application")
ATTRIBUTES = ("app", "application")
# Folders that never hold the app's own package.
_NOT_PACKAGES = frozenset({"tests", "test", "node_modules", "build", "dist", "venv", "env", "site-packages"})


@dataclass(frozen=True, slots=True)
class Candidate:
    module: str  # dotted module name, e.g. "mypkg.wsgi"
    attribute: str  # "app" | "application"
    file: Path
    line: int

    @property
    def ref(self) -> str:
        return f"{self.module}:{self.attribute}"


def discover(directory: Path) -> str:
    """The one "module:attribute" found in ``directory``; a ConfigError when none or several."""
    found = candidates(directory)
    if len(found) == 1:
        return found[0].ref
    if not found:
        raise ConfigError(
            f"no WSGI/ASGI app found in {directory}: looked for a module-level `app` or `application` "
            f"in {', '.join(m + '.py' for m in MODULES)} (and the same files inside a package)",
            'set app = "module:attribute" in shoehorn.toml (e.g. app = "server:create_app_instance")',
        )
    listing = "; ".join(f"{c.ref} ({c.file.relative_to(directory)}:{c.line})" for c in found)
    raise ConfigError(
        f"several candidate apps in {directory}: {listing}",
        f'pick one in shoehorn.toml, e.g. app = "{found[0].ref}"',
    )


def candidates(directory: Path) -> list[Candidate]:
    """Every module-level ``app``/``application`` binding in the conventional files, sorted."""
    found: list[Candidate] = []
    for module in MODULES:
        found += _scan(directory / f"{module}.py", module)
    for package in sorted(p for p in directory.iterdir() if _is_package(p)):
        for module in MODULES:
            found += _scan(package / f"{module}.py", f"{package.name}.{module}")
    return found


def check_module(directory: Path, ref: str, where: str) -> None:
    """Fail early when the module named by ``app = "module:attr"`` is not in the app directory."""
    module = ref.split(":", 1)[0]
    base = directory.joinpath(*module.split("."))
    if not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()):
        raise ConfigError(
            f"'app' = {ref!r} in {where}: module {module!r} is not in {directory} "
            f"(looked for {base.relative_to(directory)}.py and {base.relative_to(directory)}/__init__.py)",
            "module paths are relative to the app directory; fix the name or the -C/--dir option",
        )


def _is_package(path: Path) -> bool:
    return (path.is_dir() and not path.name.startswith((".", "_")) and path.name not in _NOT_PACKAGES
            and (path / "__init__.py").is_file() and path.name.isidentifier())


def _scan(file: Path, module: str) -> list[Candidate]:
    if not file.is_file():
        return []
    try:
        tree = ast.parse(file.read_bytes(), filename=str(file))
    except SyntaxError as error:
        raise ConfigError(
            f"cannot look for the app in {file}: syntax error on line {error.lineno}: {error.msg}",
            "fix the file, or name the app explicitly with app = \"module:attribute\" in shoehorn.toml",
        ) from None
    bound = _module_bindings(tree)
    found = [Candidate(module, name, file, bound[name][0]) for name in ATTRIBUTES if name in bound]
    # `application = app` (or the reverse) names one object twice: keep the original.
    if len(found) == 2:
        for alias, original in (("application", "app"), ("app", "application")):
            if bound[alias][1] == original:
                found = [c for c in found if c.attribute == original]
                break
    return found


def _module_bindings(tree: ast.Module) -> dict[str, tuple[int, str | None]]:
    """Names bound at module level -> (line, the name they alias when bound as `x = y`)."""
    bound: dict[str, tuple[int, str | None]] = {}

    def bind(target: ast.expr, value: ast.expr | None, line: int) -> None:
        if isinstance(target, ast.Name) and target.id in ATTRIBUTES:
            alias = value.id if isinstance(value, ast.Name) else None
            bound[target.id] = (line, alias)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value, node.lineno)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind(node.target, node.value, node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in ATTRIBUTES:
                bound[node.name] = (node.lineno, None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                if name in ATTRIBUTES and alias.name != "*":
                    bound[name] = (node.lineno, None)
    return bound
