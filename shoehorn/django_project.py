"""A Django project, found by reading its files (never importing them): manage.py (in the app directory or
src/), the settings module the function runs with, and the project's wsgi.py or asgi.py.

The settings module is the DJANGO_SETTINGS_MODULE default of the wsgi.py (asgi.py) the function imports, as
any WSGI server runs the project, else manage.py's (runserver's): cookiecutter-django defaults to
config.settings.production in one and config.settings.local in the other. A default manage.py computes
(Mezzanine's "%s.settings" % real_project_name(...)) is taken as the one package holding settings and a wsgi.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

from shoehorn.discovery import SOURCE_DIRS, Discovered, is_package, parse_file, source_dir_of
from shoehorn.errors import ConfigError


def manage_py(directory: Path) -> Path | None:
    """A Django project's manage.py: in the app directory, else in its src/ (a src layout)."""
    for source_dir in SOURCE_DIRS:
        manage = (directory / source_dir if source_dir else directory) / "manage.py"
        if manage.is_file():
            return manage
    return None


def discover(directory: Path, interface: str | None) -> Discovered:
    """A Django project: the app is the project's wsgi.py (or asgi.py), found beside the settings module
    manage.py names; the settings module is the one that file defaults to, which any WSGI server runs the
    project with, else manage.py's (runserver's)."""
    manage = manage_py(directory)
    managed = environment_default(parse_file(manage), "DJANGO_SETTINGS_MODULE")
    kind = interface or "wsgi"
    computed = None
    if managed is None:  # computed (Mezzanine: "%s.settings" % real_project_name("mysite")): the one package
        managed = computed = _settings_package(directory, manage)  # holding settings and the wsgi.py
    # The project's own wsgi.py/asgi.py sits beside (or above) the settings module.
    parts = managed.split(".")[:-1]
    while parts:
        module = ".".join([*parts, kind])
        source_dir = source_dir_of(directory, module)
        if source_dir is not None:
            entry = (directory / source_dir).joinpath(*module.split(".")).with_suffix(".py")
            own = environment_default(parse_file(entry), "DJANGO_SETTINGS_MODULE")
            shown = entry.relative_to(directory).as_posix()
            choose = "set DJANGO_SETTINGS_MODULE in [environment] (or per stage, [stages.NAME.environment])"
            if own is not None and own != managed and _holds_settings(directory, own):
                # cookiecutter-django: manage.py runs config.settings.local, wsgi.py config.settings.production
                return Discovered(f"{module}:application", source_dir, own, settings_note=(
                    f"Django settings {own}, the default of {shown}, which the function runs as any WSGI/ASGI "
                    f"server would; manage.py's default, {managed}, is what runserver uses. To deploy another, "
                    f"{choose}"))
            note = None if computed is None else (
                f"Django settings {computed}: manage.py computes its DJANGO_SETTINGS_MODULE, and {computed} is the "
                f"settings module beside {shown}. If it is another, {choose}")
            return Discovered(f"{module}:application", source_dir, managed, settings_note=note)
        parts.pop()
    # No wsgi.py/asgi.py: Django's own entry point does the same job.
    factory = {"wsgi": "django.core.wsgi:get_wsgi_application()", "asgi": "django.core.asgi:get_asgi_application()"}
    return Discovered(factory[kind], source_dir_of(directory, managed) or "", managed)


def _settings_package(directory: Path, manage: Path) -> str:
    """"PACKAGE.settings" for the one package (of the app directory, or src/) that holds a settings module and a
    wsgi.py or asgi.py; a ConfigError naming what to set when there is not exactly one."""
    found = []
    for source_dir in SOURCE_DIRS:
        base = directory / source_dir if source_dir else directory
        for package in sorted(p for p in base.iterdir() if is_package(p)) if base.is_dir() else ():
            settings = (package / "settings.py").is_file() or (package / "settings" / "__init__.py").is_file()
            if settings and ((package / "wsgi.py").is_file() or (package / "asgi.py").is_file()):
                found.append(f"{package.name}.settings")
    if len(found) == 1:
        return found[0]
    example = found[0].rpartition(".")[0] if found else "mysite"
    raise ConfigError(
        f"{manage} looks like a Django project's manage.py but sets no DJANGO_SETTINGS_MODULE default shoehorn can "
        "read (a literal os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"...\"))"
        + (f", and several packages hold settings and a wsgi.py: {', '.join(found)}" if found else ""),
        f'set DJANGO_SETTINGS_MODULE = "{example}.settings" in [environment] and app = "{example}.wsgi:application" '
        "in shoehorn.toml",
    )


def _holds_settings(directory: Path, module: str) -> bool:
    """Whether ``module`` is a settings module of the project: a file, or a package whose __init__.py sets
    something (a settings/ package split into base.py, local.py... has an empty one, which a wsgi.py left
    naming the package it replaced would run with no settings at all)."""
    source_dir = source_dir_of(directory, module)
    if source_dir is None:
        return False
    base = (directory / source_dir).joinpath(*module.split("."))
    tree = parse_file(base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py")
    return tree is not None and any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
                                    for node in tree.body)


def environment_default(tree: ast.Module | None, name: str) -> str | None:
    """The literal default ``tree`` gives the environment variable ``name`` (os.environ.setdefault(name, "...")),
    or None."""
    for node in ast.walk(tree) if tree is not None else ():
        if (isinstance(node, ast.Call) and len(node.args) == 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
                and node.args[0].value == name):
            return node.args[1].value
    return None


def django_default(directory: Path, app_ref: str, source_dir: str, name: str) -> str | None:
    """A Django project's default for the variable ``name`` (DJANGO_CONFIGURATION): the one the app's module
    sets, as the function runs it, else manage.py's."""
    module = app_ref.partition(":")[0]
    entry = (directory / source_dir).joinpath(*module.split(".")).with_suffix(".py")
    manage = manage_py(directory)
    return environment_default(parse_file(entry), name) or (
        environment_default(parse_file(manage), name) if manage is not None else None)
