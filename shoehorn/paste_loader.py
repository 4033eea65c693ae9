"""An app named by a PasteDeploy .ini file (Pyramid's ``production.ini``), loaded as ``pserve`` loads it.

``pserve production.ini`` asks plaster for the file's loader (plaster_pastedeploy, which Pyramid's
cookiecutter requires) and calls ``get_wsgi_app("main")``: PasteDeploy reads ``[app:main]`` (or a
``[pipeline:main]``, ``filter-with``), finds the factory (``use = egg:NAME`` through the project's
``paste.app_factory`` entry point) and calls it with the section's settings. The same call here, with
the path of the .ini inside the code directory (/var/task on Lambda), so ``%(here)s`` is that folder.

plaster and PasteDeploy are the app's dependencies, never shoehorn's: imported inside ``load`` only, in
the bundle's environment. This module is not part of shoehorn.runtime (which imports the standard library
only): the build ships it beside the runtime for an .ini app alone (bundle/shim.py ``runtime_files``).

Logging: ``pserve`` also runs ``logging.config.fileConfig`` on the .ini's ``[loggers]``/``[handlers]``.
Here only the loggers' LEVELS are applied. The handlers are not: on Lambda the runtime's own root handler
sends each record to CloudWatch whole, with its request id (fileConfig would replace it with a stderr
stream, a traceback then split into one event per line), and a ``FileHandler`` to a relative path would fail
every cold start on the read-only code directory. The levels are what a pserve user set the file for (the
cookiecutter's production.ini says WARN, development.ini INFO/DEBUG), and setting them cannot fail.
"""

from __future__ import annotations

import configparser
import logging
import os

# The package that gives `pserve` its .ini loader; it brings plaster and PasteDeploy.
PACKAGE = "plaster_pastedeploy"


class PasteMissing(ImportError):
    """Neither plaster (with plaster_pastedeploy) nor PasteDeploy can be imported."""


def load(path: str, name: str = "main"):
    """The WSGI app ``[app:NAME]`` (or ``[pipeline:NAME]``...) of the .ini at ``path`` (absolute), as
    ``pserve`` makes it, after setting the levels of the .ini's loggers."""
    apply_log_levels(path)
    try:
        import plaster
    except ImportError:
        plaster = None
    if plaster is not None:
        try:
            loader = plaster.get_loader(f"{path}#{name}", protocols=["wsgi"])
        except plaster.LoaderNotFound:  # plaster without plaster_pastedeploy: PasteDeploy alone may still do
            loader = None
        if loader is not None:
            return loader.get_wsgi_app(name)
    try:
        from paste.deploy import loadapp
    except ImportError:
        raise PasteMissing(f"{os.path.basename(path)} is a PasteDeploy file, and neither plaster_pastedeploy nor "
                           f"PasteDeploy is installed: add {PACKAGE} to the app's requirements (Pyramid's "
                           "cookiecutter lists it; `pserve` needs it too)") from None
    return loadapp(f"config:{path}", name=name)


def apply_log_levels(path: str) -> None:
    """The level of each logger the .ini's ``[loggers] keys`` names (``[logger_root]``, ``[logger_X]`` with its
    ``qualname``), and nothing else of its logging configuration (see the module's docstring)."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return  # PasteDeploy reads the file next and says what is wrong with it
    if not parser.has_option("loggers", "keys"):
        return
    for key in (k.strip() for k in parser.get("loggers", "keys").split(",")):
        section = f"logger_{key}"
        if not key or not parser.has_option(section, "level"):
            continue
        level = parser.get(section, "level").strip().upper()
        if not isinstance(logging.getLevelName(level), int):  # (getLevelNamesMapping: 3.11+)
            continue  # fileConfig would fail on it; a log level is no reason to stop the app
        logger = logging.getLogger() if key == "root" else logging.getLogger(
            parser.get(section, "qualname", fallback=key).strip())
        logger.setLevel(level)
