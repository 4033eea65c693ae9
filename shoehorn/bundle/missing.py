"""What to say when the bundle (or collectstatic) cannot import a module: which requirements the
bundle was built from decides the fix, and "add it to the requirements" misleads when there are none."""

from __future__ import annotations

from collections.abc import Iterable

from shoehorn.app_imports import misspelt
from shoehorn.config import Config, read_settings
from shoehorn.errors import BuildError

# The files shoehorn reads requirements from when `requirements` is not set (config._requirements).
_SOURCES = "requirements.txt, pyproject.toml with [project] dependencies, or uv.lock"


def hint(module: str, config: Config) -> str | None:
    """The fix for a missing ``module`` when the bundle installs no dependencies; None when it does
    (the checker's own hint, "add the package to the requirements", is then the right one)."""
    app_module = config.app.split(":", 1)[0]
    close = misspelt(config.directory, app_module) if module == app_module.split(".")[0] else None
    if close:  # `app` names the module: "add the package that provides it" would send them shopping
        return (f"'app' = {config.app!r} names module '{module}', which is neither the app's nor a dependency's: "
                f"did you mean {close!r}? (fix `app` in shoehorn.toml)")
    if config.requirements_kind != "none":
        return None
    where = config.source_file.name if config.source_file else "shoehorn.toml"
    if _set_false(config):
        present = [name for name in ("requirements.txt", "pyproject.toml", "uv.lock")
                   if (config.directory / name).is_file()]
        found = f" ({present[0]} is there, but is not read)" if present else ""
        return (f"{where} sets requirements = false, so the bundle installs no packages{found}: list the package "
                f"that provides '{module}' in requirements.txt and set requirements = \"requirements.txt\" "
                f"(or delete the line: shoehorn then finds {_SOURCES})")
    return (f"the app has no requirements file, so the bundle installs no packages (a package installed on "
            f"this machine does not count): create requirements.txt in {config.directory} listing the package "
            f"that provides '{module}' (or point `requirements` in {where} at your requirements file)")


def _set_false(config: Config) -> bool:
    """``requirements = false`` in the settings of ``config``'s stage (top level or its [stages.X])."""
    raw, _ = read_settings(config.directory)
    stages = raw.get("stages")
    stage = stages.get(config.stage, {}) if isinstance(stages, dict) else {}
    value = stage.get("requirements", raw.get("requirements")) if isinstance(stage, dict) else raw.get("requirements")
    return value is False


def require_app_module(config: Config, names: Iterable[str]) -> None:
    """A BuildError when the zip's ``names`` hold no top-level module `app` names: `build --no-check`
    skips the import check, and a zip without it would fail every cold start on Lambda. A quick look
    at the names only (a folder, a .py, a compiled module), so it costs nothing next to the zip."""
    from shoehorn.paste_ini import is_ini

    if is_ini(config.app):  # no module named: the build found the .ini shipped (bundle/paste_app.py)
        return
    top = config.app.split(":", 1)[0].split(".")[0]
    roots = ("", f"{config.source_dir}/") if config.source_dir else ("",)
    for name in names:
        for root in roots:
            if not name.startswith(root):
                continue
            first, slash, _ = name[len(root):].partition("/")
            if first == top and slash or not slash and first.startswith(top + "."):
                return
    raise BuildError(f"the bundle holds no module '{top}' (app = {config.app!r}): the app could not start on Lambda",
                     hint(top, config) or f"add the package that provides '{top}' to the app's requirements, or fix "
                                          "`app` in shoehorn.toml")
