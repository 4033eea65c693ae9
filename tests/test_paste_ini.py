"""An .ini app reference (`app = "production.ini"`): parsed, checked against its file, found by discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn import paste_ini
from shoehorn.appref import AppRef, parse_any
from shoehorn.config import load
from shoehorn.discovery import discover
from shoehorn.errors import ConfigError
from shoehorn.paste_ini import IniRef

# the cookiecutter's production.ini, cut down: the app, pserve's server (never loaded here), the loggers
PRODUCTION = """\
[app:main]
use = egg:hello_world
pyramid.default_locale_name = en

[server:main]
use = egg:waitress#main
listen = *:6543

[loggers]
keys = root
"""
PACKAGE = "def main(global_config, **settings):\n    pass\n"


def project(directory: Path, **inis: str) -> Path:
    """A cookiecutter-like project: hello_world/ with its paste factory, and the .ini files given."""
    (directory / "hello_world").mkdir()
    (directory / "hello_world" / "__init__.py").write_text(PACKAGE)
    for name, text in inis.items():
        (directory / name.replace("_ini", ".ini")).write_text(text)
    return directory


@pytest.mark.parametrize(("text", "expected"), [
    ("production.ini", IniRef("production.ini", "main")),
    ("production.ini#api", IniRef("production.ini", "api")),
    (" deploy/prod.ini # main ", IniRef("deploy/prod.ini", "main")),
    ("app:app", AppRef("app", "app")),
])
def test_a_reference_that_names_an_ini_file_is_one(text: str, expected) -> None:
    assert parse_any(text) == expected


@pytest.mark.parametrize(("text", "said"), [
    ("/etc/app.ini", "a path inside the app directory"),
    ("../other/production.ini", "a path inside the app directory"),
    ("production.ini#", "nothing after '#'"),
])
def test_an_ini_reference_outside_the_app_or_without_its_name_is_refused(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        paste_ini.parse(text)


def test_config_takes_the_ini_and_says_what_is_wrong_with_one(tmp_path: Path) -> None:
    project(tmp_path, production_ini=PRODUCTION, development_ini="[app:main]\nuse = egg:hello_world\n")
    assert load(tmp_path, app="production.ini").app == "production.ini"
    assert load(tmp_path, app="production.ini#main").source_dir == ""
    with pytest.raises(ConfigError) as missing:
        load(tmp_path, app="prod.ini")
    assert "prod.ini does not exist" in missing.value.message
    assert "development.ini, production.ini" in missing.value.hint  # the ones that define an app
    with pytest.raises(ConfigError) as unnamed:
        load(tmp_path, app="production.ini#api")
    assert "production.ini defines no app 'api'" in unnamed.value.message
    assert "[app:main]" in unnamed.value.hint and "production.ini#main" in unnamed.value.hint
    with pytest.raises(ConfigError) as outside:
        load(tmp_path, app="../production.ini")
    assert "a path inside the app directory" in outside.value.hint


def test_an_ini_that_does_not_parse_is_named(tmp_path: Path) -> None:
    project(tmp_path, production_ini="[app:main\nuse = egg:hello_world\n")
    with pytest.raises(ConfigError) as broken:
        load(tmp_path, app="production.ini")
    assert "production.ini is not a valid .ini file" in broken.value.message


def test_discovery_takes_production_ini_over_development_ini(tmp_path: Path) -> None:
    project(tmp_path, production_ini=PRODUCTION, development_ini=PRODUCTION, pytest_ini="[pytest]\n")
    assert discover(tmp_path).ref == "production.ini"


def test_discovery_takes_the_one_ini_that_defines_an_app(tmp_path: Path) -> None:
    project(tmp_path, development_ini=PRODUCTION, pytest_ini="[pytest]\n")
    assert discover(tmp_path).ref == "development.ini"
    assert load(tmp_path).app == "development.ini"


# what `kinto init` writes: config/kinto.ini, the app an installed package's (`use = egg:kinto`), pserve's
# server with a port `kinto start` passes in (%(http_port)s, undefined here and never read: only the app is)
KINTO = """\
[server:main]
use = egg:waitress#main
port = %(http_port)s

[app:main]
use = egg:kinto
kinto.storage_backend = kinto.core.storage.memory
"""


def test_discovery_finds_the_ini_kinto_init_writes_in_config(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "kinto.ini").write_text(KINTO)
    (tmp_path / "setup.cfg").write_text("[flake8]\n")
    assert discover(tmp_path).ref == "config/kinto.ini"
    assert load(tmp_path).app == "config/kinto.ini"
    with pytest.raises(ConfigError) as mistyped:
        load(tmp_path, app="kinto.ini")
    assert "(config/kinto.ini)" in mistyped.value.hint


def test_several_inis_and_none_of_them_production_ini_are_named_with_how_to_choose(tmp_path: Path) -> None:
    project(tmp_path, development_ini=PRODUCTION, staging_ini=PRODUCTION)
    with pytest.raises(ConfigError) as several:
        discover(tmp_path)
    assert "development.ini, staging.ini" in several.value.message
    assert "shoehorn init --app development.ini" in several.value.hint


def test_an_app_object_wins_over_an_ini(tmp_path: Path) -> None:
    project(tmp_path, production_ini=PRODUCTION)
    (tmp_path / "app.py").write_text("app = object()\n")
    assert discover(tmp_path).ref == "app:app"


def test_eggs_are_the_apps_and_filters_not_pserve_s_server(tmp_path: Path) -> None:
    pipeline = PRODUCTION + "\n[pipeline:main]\npipeline = gzip hello\n\n[filter:gzip]\nuse = egg:Paste#gzip\n"
    project(tmp_path, production_ini=pipeline)
    assert paste_ini.eggs(tmp_path, IniRef("production.ini")) == ("hello_world", "Paste")


def test_a_src_layout_puts_src_on_the_path_for_the_egg_s_package(tmp_path: Path) -> None:
    (tmp_path / "src" / "hello_world").mkdir(parents=True)
    (tmp_path / "src" / "hello_world" / "__init__.py").write_text(PACKAGE)
    (tmp_path / "production.ini").write_text(PRODUCTION)
    assert load(tmp_path).source_dir == "src"
