"""An app named by a PasteDeploy .ini, loaded as `pserve` loads it (shoehorn.paste_loader), with stand-ins
for plaster and PasteDeploy: the real ones are the app's dependencies (tests/compat/test_pyramid.py)."""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path

import pytest

from shoehorn import paste_loader as paste

INI = """\
[app:main]
use = egg:hello_world

[loggers]
keys = root, hello_world, broken

[handlers]
keys = file

[handler_file]
class = FileHandler
args = ('pyramid.log', 'a')

[logger_root]
level = WARN
handlers = file

[logger_hello_world]
level = DEBUG
handlers =
qualname = hello_world.views

[logger_broken]
level = LOUD
qualname = broken
"""


def wsgi(environ, start_response):
    start_response("200 OK", [])
    return [b""]


@pytest.fixture()
def ini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "production.ini").write_text(INI)
    for name in ("plaster", "paste", "paste.deploy"):
        monkeypatch.setitem(sys.modules, name, None)  # neither installed, unless a test puts one in
    root, views = logging.getLogger(), logging.getLogger("hello_world.views")
    levels, handlers = (root.level, views.level), list(root.handlers)
    yield tmp_path / "production.ini"
    root.setLevel(levels[0])
    views.setLevel(levels[1])
    assert root.handlers == handlers  # the .ini's FileHandler is never made: /var/task is read-only


def test_pastedeploy_loads_the_ini_by_its_absolute_path(ini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    deploy = types.ModuleType("paste.deploy")
    deploy.loadapp = lambda uri, name: calls.append((uri, name)) or wsgi
    monkeypatch.setitem(sys.modules, "paste", types.ModuleType("paste"))
    monkeypatch.setitem(sys.modules, "paste.deploy", deploy)
    assert paste.load(str(ini), "api") is wsgi
    assert calls == [(f"config:{ini}", "api")]  # %(here)s is the folder of that path: the code directory


def test_plaster_is_asked_first_as_pserve_does(ini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    class Loader:
        def get_wsgi_app(self, name):
            asked.append(name)
            return wsgi

    plaster = types.ModuleType("plaster")
    plaster.LoaderNotFound = type("LoaderNotFound", (Exception,), {})
    plaster.get_loader = lambda uri, protocols: asked.append((uri, protocols)) or Loader()
    monkeypatch.setitem(sys.modules, "plaster", plaster)
    assert paste.load(str(ini)) is wsgi
    assert asked == [(f"{ini}#main", ["wsgi"]), "main"]


def test_without_plaster_or_pastedeploy_the_package_to_add_is_named(ini: Path) -> None:
    with pytest.raises(paste.PasteMissing) as caught:
        paste.load(str(ini))
    assert "production.ini is a PasteDeploy file" in str(caught.value)
    assert "add plaster_pastedeploy to the app's requirements" in str(caught.value)


def test_the_loggers_levels_apply_and_nothing_else_of_its_logging(ini: Path) -> None:
    with pytest.raises(paste.PasteMissing):
        paste.load(str(ini))
    assert logging.getLogger().level == logging.WARNING
    assert logging.getLogger("hello_world.views").level == logging.DEBUG
    assert not (ini.parent / "pyramid.log").exists()
