"""The generated entry point and the slice of shoehorn that ships."""

from __future__ import annotations

import ast

from shoehorn.bundle import shim


def test_source_imports_the_app_and_adapts_it() -> None:
    text = shim.source("mypkg.wsgi:application")
    tree = ast.parse(text)
    imports = [(n.module, [a.name for a in n.names]) for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert imports == [("shoehorn.runtime.handler", ["adapt"]), ("mypkg.wsgi", ["application"]),
                       ("shoehorn.runtime.prime", ["at_init"])]
    assert "handler = adapt(_app)" in text
    assert "at_init(handler)" in text  # the app starts at init even without priming


def test_attribute_paths() -> None:
    assert "_app = _app.wsgi_app\n" in shim.source("server:flask_app.wsgi_app")


def _run(text: str, modules: dict[str, str], tmp_path, monkeypatch):
    import runpy

    for name, body in modules.items():
        (tmp_path / f"{name}.py").write_text(body)
    (tmp_path / "shim_under_test.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return runpy.run_path(str(tmp_path / "shim_under_test.py"))


def test_a_factory_is_called_once_with_its_literal_keywords(tmp_path, monkeypatch) -> None:
    factory = ("calls = []\ndef create_app(config=None, debug=False):\n    calls.append((config, debug))\n"
               "    def app(environ, start_response):\n        pass\n    return app\n")
    text = shim.source("factory_mod:create_app(config={'DATABASE': '/tmp/x.db'}, debug=True)")
    namespace = _run(text, {"factory_mod": factory}, tmp_path, monkeypatch)
    import factory_mod

    assert factory_mod.calls == [({"DATABASE": "/tmp/x.db"}, True)]
    assert namespace["handler"].interface == "wsgi"


def test_interface_and_src_layout(tmp_path, monkeypatch) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "srcmod.py").write_text(
        "class App:\n    def __call__(self, *args):\n        pass\napp = App()\n")
    text = shim.source("srcmod:app", interface="asgi", source_dir="src")
    namespace = _run(text, {}, tmp_path, monkeypatch)
    assert namespace["handler"].interface == "asgi"


def test_only_the_runtime_and_package_init_ship() -> None:
    names = set(shim.runtime_files())
    assert "shoehorn/__init__.py" in names and "shoehorn/runtime/handler.py" in names
    assert all(n == "shoehorn/__init__.py" or n.startswith("shoehorn/runtime/") for n in names)
    assert set(shim.runtime_files("app:app")) == names


def test_an_ini_app_ships_the_paste_loader_beside_the_runtime() -> None:
    # the loader imports the app's plaster/PasteDeploy, so it is no part of shoehorn.runtime (standard library only)
    names = set(shim.runtime_files("production.ini"))
    assert names - set(shim.runtime_files()) == {"shoehorn/paste_loader.py"}


def test_an_ini_app_is_loaded_by_its_path_in_the_code_directory(tmp_path, monkeypatch) -> None:
    import sys
    import types

    loaded = []
    paste_loader = types.ModuleType("shoehorn.paste_loader")
    paste_loader.load = lambda path, name: loaded.append((path, name)) or (lambda environ, start_response: [])
    monkeypatch.setitem(sys.modules, "shoehorn.paste_loader", paste_loader)
    (tmp_path / "deploy").mkdir()
    text = shim.source("deploy/prod.ini#api")
    namespace = _run(text, {}, tmp_path, monkeypatch)
    # beside the entry point, as /var/task/deploy/prod.ini on Lambda: %(here)s is the folder the bundle runs from
    assert loaded == [(str(tmp_path / "deploy" / "prod.ini"), "api")]
    assert namespace["handler"].interface == "wsgi"
