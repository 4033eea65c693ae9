"""`shoehorn init`: write a commented shoehorn.toml holding what shoehorn discovered.

`init --force` rewrites an existing shoehorn.toml: every setting the file holds (top level, every
[stages.X] table, statements, environment...) is written back as it was, and only the keys it leaves
out are filled from discovery. A file that does not load is refused, never replaced: what it meant
cannot be read, and a rewrite from discovery alone would drop its settings at the next `up`.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from shoehorn.cli.app import app
from shoehorn.cli.init_toml import DISCOVERED, check_kept, render_toml
from shoehorn.cli.options import Directory, Stage

FORCE_HELP = ("Rewrite an existing shoehorn.toml: every setting it holds is kept as it is, the keys it leaves "
              "out are discovered again (delete a line to re-discover it); the old file is saved as "
              "shoehorn.toml.bak. A file that does not load is refused.")


APP_HELP = ("The app to write, as module:attribute, a factory module:create_app() or the PasteDeploy .ini `pserve` "
            "runs (production.ini, production.ini#NAME): for an app discovery does not "
            "find, or one of several it finds. Checked as `app` in shoehorn.toml is (the module and the name must "
            "exist); with --force it replaces the file's `app`.")


@app.command()
def init(
    directory: Path = Directory,
    stage: str | None = Stage,
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    app_ref: str | None = typer.Option(None, "--app", metavar="REF", help=APP_HELP),
) -> None:
    """Write shoehorn.toml for the app in the directory, with the settings it discovered."""
    from shoehorn.cli.render import ProgressPrinter, console_out
    from shoehorn.config import app_directory, load, read_settings
    from shoehorn.errors import ConfigError

    directory = app_directory(directory)
    target = directory / "shoehorn.toml"
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists", "pass --force to rewrite it, keeping its settings")
    old = target.read_bytes() if target.is_file() else None
    try:
        # The reader every command uses, so init sees [tool.shoehorn] exactly when they do: as a
        # table, dotted keys or only [tool.shoehorn.stages.X], and not in a comment.
        written, source = read_settings(directory)
        if source is not None and source != target:
            raise ConfigError(f"{source} already holds [tool.shoehorn]",
                              "keep the settings there, or move them to shoehorn.toml by hand")
        # A first init carries over what a Zappa/Serverless/SAM file beside the app says (shoehorn/migrate.py)
        carried = _carried(directory, stage) if source is None else None
        # warnings too (a mistyped --app module taken as a dependency's), as every other command shows them
        config = load(directory, stage=stage, app=app_ref, progress=ProgressPrinter(),
                      carried=(carried.settings, f"{carried.source}, carried over") if carried else None)
        kept = written
        if carried is not None:
            written = dict(carried.settings)
        if app_ref is not None:
            written = {**written, "app": app_ref}  # written into the file as the user's own setting
        shared = _shared(directory, written, config, app_ref)
    except ConfigError as error:
        if old is not None and str(target) in error.message:
            raise _unreadable(target, error) from None
        raise
    text = render_toml(shared, written, stage=config.stage, origin=carried.source if carried else None,
                       withheld=carried.withheld if carried else None)
    check_kept(written, text)
    out = console_out()
    if old == text.encode("utf-8"):
        out.print(f"{escape(str(target))} is up to date: it holds every setting, and discovery adds nothing",
                  highlight=False)
    else:
        if old is not None:
            target.with_name(BACKUP).write_bytes(old)
        _replace(target, text)
        out.print(f"wrote {escape(str(target))} (app {escape(config.app)}, runtime {config.runtime}, "
                  f"requirements {config.requirements.name if config.requirements else 'none found'})", highlight=False)
        if old is not None:
            out.print(_kept(kept, given=app_ref is not None), highlight=False, markup=False)
    if carried is not None:
        for line in _carried_lines(carried, config):
            out.print(line, highlight=False, markup=False)
    if old is not None and app_ref is None:
        other = _discovered_otherwise(directory, written, config)
        if other:
            out.print(other, highlight=False, markup=False)
    unlisted = _unlisted_imports(written, config)
    if unlisted:
        from shoehorn.cli.render import console_err

        console_err().print(f"[yellow]warning:[/] {escape(unlisted)}")
    settings = _django_settings_note(written, config)
    if settings:
        out.print(settings, highlight=False, markup=False)
    database = _local_database(config.directory)
    if config.django_settings or database:
        manage = "src/manage.py" if config.source_dir == "src" and (config.directory / "src" / "manage.py").is_file() \
            else "manage.py"
        out.print(database_note(database or "data.db", manage), highlight=False, markup=False)


BACKUP = "shoehorn.toml.bak"


def _django_settings_note(written: dict, config) -> str | None:
    """Which Django settings module deploys, when the project does not say it plainly (cookiecutter-django: manage.py
    runs config.settings.local, wsgi.py config.settings.production; Mezzanine computes it) and the file does not
    choose."""
    from shoehorn import discovery
    from shoehorn.errors import ConfigError

    environment = written.get("environment")
    if not config.django_settings or (isinstance(environment, dict) and "DJANGO_SETTINGS_MODULE" in environment):
        return None
    try:
        found = discovery.discover(config.directory, config.interface)
    except ConfigError:
        return None
    if found.settings_note is None or found.django_settings != config.django_settings:
        return None
    return f"note: {found.settings_note}"


def _carried(directory: Path, stage: str | None):
    """What another tool's file says (shoehorn.migrate), or None; an error when it puts the app's code in
    another folder (SAM's CodeUri), where shoehorn must run."""
    import shlex

    from shoehorn.config import DEFAULT_STAGE
    from shoehorn.errors import ConfigError
    from shoehorn.migrate import carry

    carried = carry(directory, stage or DEFAULT_STAGE)
    if carried is not None and carried.code_elsewhere is not None:
        code = directory / carried.code_elsewhere
        raise ConfigError(f"{carried.source} puts the function's code in {carried.code_elsewhere}/, and shoehorn "
                          "works in the folder that holds the app and its requirements",
                          f"run `shoehorn init -C {shlex.quote(str(code))}` (it reads the settings there too)")
    return carried


def _carried_lines(carried, config) -> list[str]:
    """What init says of the settings it carried over, and of those it did not."""
    shown = [f"{key} {value}" if key not in ("environment", "stages") else f"{key} ({', '.join(value)})"
             for key, value in carried.settings.items() if key not in ("exclude", "statements")]
    shown += [key for key in ("exclude", "statements") if key in carried.settings]
    lines = [f"carried over from {carried.source}: {', '.join(shown) or 'nothing'}"]
    lines += [f"  {note}" for note in carried.notes]
    if carried.function_name == config.function_name:
        lines.append(f"  Zappa's function for this stage is named {config.function_name} too: `up` changes nothing "
                     "it did not create, and stops there. Set another `name` to deploy beside it, or remove "
                     f"Zappa's deployment first (`zappa undeploy {config.stage}`)")
    return lines


def _unlisted_imports(written: dict[str, Any], config) -> str | None:
    """A warning when the app imports packages and has no requirements file to install them from:
    said now, not at `build`'s first failed import. ``requirements = false`` is the user's word."""
    from shoehorn.app_imports import third_party

    if config.requirements is not None or "requirements" in written:
        return None
    modules = third_party(config.directory)
    if not modules:
        return None
    shown = ", ".join(modules[:6]) + (", ..." if len(modules) > 6 else "")
    above = _requirements_above(config.directory)
    if above is not None:  # a backend/ folder of a repository whose requirements sit at its root
        return (f"the app imports {shown}, but {config.directory} has no requirements file, and the bundle installs "
                f"only what one lists; {above} is above it: if that lists the app's packages, set requirements = "
                f"\"{above}\" in shoehorn.toml (paths are relative to the app directory)")
    return (f"the app imports {shown}, but {config.directory} has no requirements file, and the bundle installs "
            "only what one lists: create requirements.txt with the packages that provide them (or list them in "
            "pyproject.toml's [project] dependencies); the next `build` finds it (shoehorn.toml leaves "
            "`requirements` unset)")


def _requirements_above(directory: Path) -> str | None:
    """A requirements file in a folder above the app directory (up to the repository's root, three folders at
    most), relative to the app directory: "../requirements.txt"."""
    if (directory / ".git").exists():  # the repository's root: nothing above belongs to the app
        return None
    for parent in list(directory.resolve().parents)[:3]:
        for name in ("requirements.txt", "uv.lock", "pyproject.toml"):
            found = parent / name
            if found.is_file() and (name != "pyproject.toml" or "dependencies" in found.read_text("utf-8", "replace")):
                return os.path.relpath(found, directory.resolve())
        if (parent / ".git").exists():
            break
    return None


def _kept(written: dict[str, Any], given: bool = False) -> str:
    """``given``: `app` came from --app (neither kept nor discovered)."""
    kept = [*(k for k in written if k != "stages" and not (given and k == "app")),
            *(f"stages.{name}" for name in written.get("stages", {}))]
    found = [k for k in DISCOVERED if k not in written and not (given and k == "app")]
    return (("wrote app from --app; " if given else "") + f"kept the settings of the old file ({', '.join(kept) or 'none'}); "
            f"discovered {', '.join(found) or 'nothing'}; the old file, with its comments, is {BACKUP}")


def _discovered_otherwise(directory: Path, written: dict[str, Any], config) -> str | None:
    """A note when the kept ``app`` is not what discovery finds today (a renamed module, a new
    factory): the file wins, but the user reran init and may expect the other."""
    from shoehorn.discovery import discover
    from shoehorn.errors import ConfigError

    if "app" not in written:
        return None
    try:
        found = discover(directory, config.interface).ref
    except ConfigError:
        return None  # none or several: discovery has nothing better to offer
    if found == written["app"]:
        return None
    return (f"note: kept app = \"{written['app']}\" from the old file; discovery now finds {found}: delete the "
            "`app` line and run `shoehorn init --force` again to use it")


def _unreadable(target: Path, error) -> Exception:
    from shoehorn.errors import ConfigError

    way_out = (f"init --force keeps every setting of {target.name}, so the file must load first: fix it (a line "
               f"you delete is discovered again), or move it aside (mv {target.name} {target.name}.old) and run "
               "`shoehorn init` to start from discovery alone")
    return ConfigError(error.message, f"{error.hint}\n{way_out}" if error.hint else way_out)


def _shared(directory: Path, written: dict[str, Any], config, app_ref: str | None = None):
    """The Config of the top level alone, which the file's top level describes: ``config`` unless its
    stage has a [stages.X] table, else the Config of a stage that has none (a stage's overrides
    written at the top level would reach every other stage)."""
    from shoehorn.config import load

    stages = written.get("stages")
    if not isinstance(stages, dict) or config.stage not in stages:
        return config
    # One character: the role name `{name}-{stage}-lambda` must stay within IAM's 64.
    return load(directory, stage=next(str(i) for i in itertools.count() if str(i) not in stages), app=app_ref)


def _replace(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all (an interrupted write leaves the old file)."""
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


def database_note(name: str = "data.db", manage: str = "manage.py") -> str:
    """What init says of SQLite on Lambda; ``name``: the database file it found, as `include` takes it;
    ``manage``: a Django project's manage.py as the function's working directory (the bundle's root) sees it."""
    return (
        "note: on Lambda the code directory is read-only and /tmp belongs to one container and goes away "
        "with it, so a SQLite file is no place for data that must last: use a network database (RDS, Aurora "
        "Serverless, DynamoDB...) and set its URL in [environment]. A database that is only read (a dataset) can "
        f"ship with the code: `include = [\"{name}\"]` (databases are left out by default), opened read-only "
        f"(`file:{name}?mode=ro`). Run migrations and other one-off commands "
        f"in the function with `shoehorn run -- python {manage} migrate` (or `-- flask --app APP init-db`).")


def _local_database(directory: Path) -> str | None:
    """The SQLite file beside the app (its name, as `include` takes it), "data.db" for app code that
    uses SQLite (flaskr keeps its database in the instance folder), else None; a quick look at the
    top two levels only."""
    found = sorted([*directory.glob("*.sqlite*"), *directory.glob("*.db")])
    if found:
        return found[0].name
    sources = [*directory.glob("*.py"), *directory.glob("*/*.py"), *directory.glob("src/*/*.py")][:200]
    if any("sqlite" in path.read_text(encoding="utf-8", errors="replace") for path in sources):
        return "data.db"
    return None
