"""App references: parsed with ast (never evaluated); loading names file:line of the app's errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shoehorn.appref import AppRef, load, parse
from shoehorn.errors import AppCodeError


@pytest.mark.parametrize(("text", "expected"), [
    ("app:app", AppRef("app", "app")),
    ("pkg.wsgi:server.app", AppRef("pkg.wsgi", "server.app")),
    ("flaskr:create_app()", AppRef("flaskr", "create_app", True)),
    ("m:make(config={'A': [1, 2]}, debug=False)",
     AppRef("m", "make", True, (("config", {"A": [1, 2]}), ("debug", False)))),
])
def test_parse(text: str, expected: AppRef) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["app", ":app", "a b:app", "m:f(1)", "m:f(x=y)", "m:f(**k)", "m:f()()", "m:import os",
                                  "m:f(x=__import__('os'))", "m:a[0]"])
def test_anything_but_a_name_or_a_literal_keyword_call_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse(text)


@pytest.fixture()
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("appref_case")]:
        del sys.modules[name]


def test_load_calls_the_factory_with_its_keywords(app_dir: Path) -> None:
    (app_dir / "appref_case1.py").write_text("def create_app(name='x'):\n    def app(environ, start_response):\n"
                                             "        pass\n    app.name = name\n    return app\n")
    assert load(parse("appref_case1:create_app(name='y')"), app_dir).name == "y"


@pytest.mark.parametrize(("text", "ref", "where"), [
    ("x = 1\ndef broken(:\n", "appref_case2:app", "appref_case2.py:2: SyntaxError"),
    ("import not_installed_anywhere\n", "appref_case3:app", "appref_case3.py:1: ModuleNotFoundError"),
    ("def create_app():\n    return {}['key']\n", "appref_case4:create_app()", "appref_case4.py:2: KeyError"),
    ("app = 1\n", "appref_case5:application", "has no attribute 'application'"),
])
def test_errors_in_the_app_name_file_and_line(app_dir: Path, text: str, ref: str, where: str) -> None:
    (app_dir / (ref.split(":")[0] + ".py")).write_text(text)
    with pytest.raises(AppCodeError) as caught:
        load(parse(ref), app_dir)
    assert where in caught.value.message and caught.value.exit_code == 2


def test_a_module_missing_from_this_environment_is_not_blamed_on_the_app(app_dir: Path) -> None:
    # `shoehorn dev` imports the app where shoehorn runs: a requirement not installed here is not an error the
    # bundle (which installs it) would show; a module of the app's own that fails still is the app's error
    (app_dir / "requirements.txt").write_text("pypiserver_not_installed_here\n")  # listed, not installed here
    (app_dir / "appref_case6.py").write_text("import pypiserver_not_installed_here\napp = 1\n")
    with pytest.raises(AppCodeError) as caught:
        load(parse("appref_case6:app"), app_dir)
    assert "pip install -r requirements.txt" in caught.value.hint and "dev --lambda" in caught.value.hint
    (app_dir / "appref_case7.py").write_text("import appref_case7_helpers\napp = 1\n")
    (app_dir / "appref_case7_helpers").mkdir()
    (app_dir / "appref_case7_helpers" / "__init__.py").write_text("import appref_case7_helpers.missing_part\n")
    with pytest.raises(AppCodeError) as caught:
        load(parse("appref_case7:app"), app_dir)
    assert "it fails the same way on Lambda" in caught.value.hint


def test_a_variable_the_app_reads_at_import_is_named_with_where_to_set_it(app_dir: Path, monkeypatch) -> None:
    # `shoehorn dev` on settings read from the environment: the fix is shoehorn.toml's [environment], which
    # the function gets, not a change to the app ("it fails the same way on Lambda" it need not)
    monkeypatch.delenv("APPREF_CASE8_TOKEN", raising=False)
    (app_dir / "appref_case8.py").write_text("import os\nTOKEN = os.environ['APPREF_CASE8_TOKEN']\napp = 1\n")
    with pytest.raises(AppCodeError) as caught:
        load(parse("appref_case8:app"), app_dir)
    assert "appref_case8.py:2: KeyError" in caught.value.message
    assert 'APPREF_CASE8_TOKEN = "..."' in caught.value.hint and "shoehorn.toml's [environment]" in caught.value.hint


def test_an_ini_app_without_pastedeploy_here_is_told_to_install_it(tmp_path: Path, monkeypatch) -> None:
    from shoehorn.paste_ini import IniRef

    (tmp_path / "production.ini").write_text("[app:main]\nuse = egg:hello_world\n")
    for name in ("plaster", "paste", "paste.deploy"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(AppCodeError) as caught:
        load(IniRef("production.ini"), tmp_path)
    assert "add plaster_pastedeploy to the app's requirements" in caught.value.message
    assert "pip install plaster_pastedeploy here too" in caught.value.hint


def test_an_ini_app_whose_project_is_not_installed_here_is_told_pip_install_e(tmp_path: Path, monkeypatch) -> None:
    # `shoehorn dev` runs in the developer's environment, where `pserve` needs `pip install -e .` as well
    import types
    from importlib.metadata import PackageNotFoundError

    from shoehorn.paste_ini import IniRef

    (tmp_path / "production.ini").write_text("[app:main]\nuse = egg:hello_world\n")

    def loadapp(uri, name):
        raise PackageNotFoundError("hello_world")

    deploy = types.ModuleType("paste.deploy")
    deploy.loadapp = loadapp
    monkeypatch.setitem(sys.modules, "plaster", None)
    monkeypatch.setitem(sys.modules, "paste", types.ModuleType("paste"))
    monkeypatch.setitem(sys.modules, "paste.deploy", deploy)
    with pytest.raises(AppCodeError) as caught:
        load(IniRef("production.ini"), tmp_path)
    assert "loading the app 'main' of production.ini as `pserve` does failed: PackageNotFoundError" \
        in caught.value.message
    assert "`use = egg:hello_world` in production.ini" in caught.value.hint and "pip install -e ." in caught.value.hint


def test_an_app_only_its_own_server_runs_is_the_app_s_error_when_dev_loads_it(app_dir: Path) -> None:
    # `shoehorn dev` said "internal error ... please report it" (--no-reload), or answered every request with
    # 500 (reload), for an aiohttp app built where discovery cannot see it
    (app_dir / "appref_case9.py").write_text("class Application:\n    def __call__(self):\n        return self\n"
                                             "Application.__module__ = 'aiohttp.web_app'\napp = Application()\n")
    with pytest.raises(AppCodeError) as caught:
        load(parse("appref_case9:app"), app_dir)
    assert "aiohttp web.Application, which is neither WSGI nor ASGI" in caught.value.message
