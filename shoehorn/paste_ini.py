"""An app reference that names a PasteDeploy .ini file: ``app = "production.ini"`` (``"production.ini#api"``).

A Pyramid project in the cookiecutter layout runs with ``pserve production.ini``: the file's ``[app:main]``
names the factory (``use = egg:hello_world``, the project's ``paste.app_factory`` entry point) and holds the
settings it is called with (``pyramid.includes``, ``sqlalchemy.url``), maybe behind a ``[pipeline:main]``.
Naming the file makes shoehorn load it the same way (shoehorn.paste_loader, in the bundle and for
``shoehorn dev``); this module is the static side: parsing the reference, checking the file without
importing anything, finding such a file when discovery finds no app, and the distributions its
``egg:`` references need.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from shoehorn.commandline import suggest
from shoehorn.errors import ConfigError

# The sections PasteDeploy can load an app from, by their prefix (`[app:main]`, `[pipeline:main]`...).
APP_KINDS = ("app", "application", "pipeline", "composite", "filter-app")
PREFERRED = "production.ini"  # what a cookiecutter project deploys; development.ini brings the debug toolbar
# Where discovery looks for .ini files: the app directory, and its config/ folder, where Kinto's `kinto init`
# writes config/kinto.ini (and its Docker image runs it from)
FOLDERS = ("", "config")


@dataclass(frozen=True, slots=True)
class IniRef:
    file: str  # the .ini's path relative to the app directory, with '/' ("production.ini", "deploy/prod.ini")
    name: str = "main"  # the app's name in it: [app:NAME], [pipeline:NAME]...


def is_ini(text: str) -> bool:
    """``text`` names an .ini file (``production.ini``, ``production.ini#main``), not ``module:attribute``."""
    return text.partition("#")[0].strip().lower().endswith(".ini")


def parse(text: str) -> IniRef:
    """``text`` as an IniRef; ValueError (saying what is wrong) when it is not one."""
    file, hash_, name = text.strip().partition("#")
    path = PurePosixPath(file.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{file.strip()!r} must be a path inside the app directory, relative to it "
                         "(the .ini ships in the bundle)")
    if hash_ and not name.strip():
        raise ValueError("nothing after '#': name the app (production.ini#main), or leave '#' out for main")
    return IniRef(path.as_posix(), name.strip() or "main")


def read(file: Path) -> configparser.RawConfigParser:
    """The .ini as PasteDeploy reads its sections (values uninterpolated: only names are looked at here)."""
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # PasteDeploy keeps keys' case (`pyramid.includes`, `sqlalchemy.url`)
    with file.open(encoding="utf-8") as handle:
        parser.read_file(handle)
    return parser


def app_section(parser: configparser.RawConfigParser, name: str) -> str | None:
    """The section that defines app ``name`` (``app:main``), or None."""
    for section in parser.sections():
        kind, colon, defined = section.partition(":")
        if colon and kind.strip() in APP_KINDS and defined.strip() == name:
            return section
    return None


def check(directory: Path, text: str, where: str) -> IniRef:
    """The reference ``text`` from ``where``, checked against its file: a ConfigError when the file is
    missing, does not parse, or defines no such app."""
    ref = parse(text)
    file = directory / ref.file
    if not file.is_file():
        others = _defining_app(directory)
        raise ConfigError(f"'app' = {text!r} in {where}: {file} does not exist",
                          f"name an .ini file of the app directory that defines [app:main] ({', '.join(others)})"
                          if others else "the path is relative to the app directory; fix it or the -C/--dir option")
    try:
        parser = read(file)
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ConfigError(f"'app' = {text!r} in {where}: {ref.file} is not a valid .ini file: "
                          f"{' '.join(str(error).split())}", f"fix {ref.file} (`pserve` fails on it too)") from None
    if app_section(parser, ref.name) is None:
        defined = [s for s in parser.sections() if s.partition(":")[0].strip() in APP_KINDS and ":" in s]
        raise ConfigError(f"'app' = {text!r} in {where}: {ref.file} defines no app {ref.name!r} (no [app:{ref.name}] "
                          "or [pipeline:...] section)",
                          (f"it defines {', '.join(f'[{s}]' for s in defined)}: name one after '#' "
                           f"({ref.file}#{defined[0].partition(':')[2].strip()})") if defined
                          else "point `app` at the .ini `pserve` runs, or at the app object (\"module:attribute\")")
    return ref


def _defines_app(file: Path) -> bool:
    try:
        return app_section(read(file), "main") is not None
    except (OSError, configparser.Error, UnicodeDecodeError):
        return False


def _defining_app(directory: Path) -> list[str]:
    """The .ini files of ``FOLDERS`` that define ``[app:main]``, relative to ``directory`` ("config/kinto.ini")."""
    return [p.relative_to(directory).as_posix() for folder in FOLDERS for p in sorted((directory / folder).glob("*.ini"))
            if p.is_file() and _defines_app(p)]


def discover(directory: Path) -> str | None:
    """The .ini discovery settles on when it finds no app object: production.ini when it defines
    ``[app:main]``, else the one .ini of the app directory or its config/ folder that does; None when none
    does, and a ConfigError when several do and none is production.ini."""
    found = _defining_app(directory)
    if not found:
        return None
    if PREFERRED in found:
        return PREFERRED
    if len(found) == 1:
        return found[0]
    raise ConfigError(f"no app object found in {directory}, and {len(found)} .ini files define [app:main]: "
                      f"{', '.join(found)}",
                      f"name the one to deploy, as `pserve` is given it: "
                      f"`{suggest(f'init --app {found[0]}', local_cloud=False)}` (app = \"{found[0]}\" in "
                      "shoehorn.toml)")


def eggs(directory: Path, ref: IniRef) -> tuple[str, ...]:
    """The distributions the .ini's apps and filters name with ``use = egg:NAME`` (``egg:hello_world#main``:
    hello_world), each once, in file order: PasteDeploy looks each up by its installed metadata."""
    try:
        parser = read(directory / ref.file)
    except (OSError, configparser.Error, UnicodeDecodeError):
        return ()
    names: list[str] = []
    for section in parser.sections():
        if section.partition(":")[0].strip() not in (*APP_KINDS, "filter"):
            continue  # [server:main] `use = egg:waitress#main` is pserve's server: never loaded here
        for key, value in parser.items(section, raw=True):
            if key.strip() == "use" and value.strip().startswith("egg:"):
                name = value.strip()[4:].partition("#")[0].strip()
                if name and name not in names:
                    names.append(name)
    return tuple(names)


def source_dir(directory: Path, text: str) -> str:
    """"src" when the package of an ``egg:`` the .ini names lives under src/ (a src layout: the bundle puts src/
    on sys.path, as installing the project does), else "". An egg is named as its package (hello_world)."""
    from shoehorn.discovery import source_dir_of

    found = (source_dir_of(directory, re.sub(r"[-.]", "_", egg)) for egg in eggs(directory, parse(text)))
    return "src" if "src" in found else ""
