"""What to say when the bundle (or collectstatic) cannot import a module: which requirements the
bundle was built from decides the fix, and "add it to the requirements" misleads when there are none."""

from __future__ import annotations

from shoehorn.config import Config, read_settings

# The files shoehorn reads requirements from when `requirements` is not set (config._requirements).
_SOURCES = "requirements.txt, pyproject.toml with [project] dependencies, or uv.lock"


def hint(module: str, config: Config) -> str | None:
    """The fix for a missing ``module`` when the bundle installs no dependencies; None when it does
    (the checker's own hint, "add the package to the requirements", is then the right one)."""
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
