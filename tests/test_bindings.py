"""Names a module binds, star imports of the app's own modules followed (httpbin: `from .core import *`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from shoehorn.bindings import bindings, exported_names
from shoehorn.discovery import candidates, discover
from shoehorn.errors import ConfigError
from tests.test_discovery import write


def _httpbin_shape(tmp_path: Path, core: str) -> None:
    """httpbin's layout: the package's __init__.py re-exports core.py, which makes the app."""
    write(tmp_path, "echo/__init__.py", "# -*- coding: utf-8 -*-\n\nfrom .core import *\n")
    write(tmp_path, "echo/core.py", core)


def test_an_app_a_package_re_exports_with_a_star_import_is_found_and_imports(tmp_path: Path) -> None:
    # httpbin needed --app httpbin:app: its __init__.py is `from .core import *` and the package is not app/, main/...
    _httpbin_shape(tmp_path, "import os\n\nclass App:\n    pass\n\napp = App()\n")
    found = discover(tmp_path)
    assert (found.ref, found.source_dir) == ("echo:app", "")
    # the reference imports, as the function will import it
    subprocess.run([sys.executable, "-c", "import echo; assert type(echo.app).__name__ == 'App'"], cwd=tmp_path,
                   check=True)


def test_an_app_bound_in_any_package_s_init_is_found(tmp_path: Path) -> None:
    # Flask's examples/javascript: js_example/__init__.py binds app, run as `flask --app js_example run`
    write(tmp_path, "js_example/__init__.py", "from flask import Flask\n\napp = Flask(__name__)\n\n"
                                              "from js_example import views  # noqa: E402, F401\n")
    write(tmp_path, "js_example/views.py", "from js_example import app\n")
    assert discover(tmp_path).ref == "js_example:app"


def test_the_star_imported_module_s_all_is_respected(tmp_path: Path) -> None:
    _httpbin_shape(tmp_path, "__all__ = ['helper']\napp = object()\ndef helper():\n    pass\n")
    with pytest.raises(ConfigError, match="from .module import"):  # `from .core import *` does not bring app
        discover(tmp_path)
    write(tmp_path, "echo/core.py", "__all__ = ['helper']\n__all__ += ['app']\napp = object()\n")
    assert discover(tmp_path).ref == "echo:app"
    write(tmp_path, "echo/core.py", "__all__ = [name for name in ('app',)]\napp = object()\n")
    with pytest.raises(ConfigError):  # computed: cannot tell, so not guessed
        discover(tmp_path)


def test_absolute_and_chained_star_imports_are_followed_and_a_dependency_s_is_not(tmp_path: Path) -> None:
    write(tmp_path, "echo/__init__.py", "from flask import *\nfrom echo.web import *\n")
    write(tmp_path, "echo/web/__init__.py", "from .server import *\n")
    write(tmp_path, "echo/web/server.py", "app = object()\n")
    assert discover(tmp_path).ref == "echo:app"
    [found] = candidates(tmp_path)
    assert (found.file, found.line) == (tmp_path / "echo" / "web" / "server.py", 1)  # where a listing points


def test_a_star_import_in_a_conventional_module_is_followed(tmp_path: Path) -> None:
    write(tmp_path, "wsgi.py", "from server import *\n")
    write(tmp_path, "server.py", "application = object()\n")
    assert discover(tmp_path).ref == "wsgi:application"


def test_a_conventional_app_beats_one_a_package_re_exports(tmp_path: Path) -> None:
    _httpbin_shape(tmp_path, "app = object()\n")
    write(tmp_path, "main.py", "app = object()\n")
    assert discover(tmp_path).ref == "main:app"


def test_star_imports_that_import_each_other_end(tmp_path: Path) -> None:
    write(tmp_path, "echo/__init__.py", "from .core import *\n")
    write(tmp_path, "echo/core.py", "from . import *\nfrom .core import *\n")
    with pytest.raises(ConfigError, match="no WSGI/ASGI app found"):
        discover(tmp_path)


def test_the_binding_the_module_runs_last_wins(tmp_path: Path) -> None:
    write(tmp_path, "echo/core.py", "app = object()\n")
    init = tmp_path / "echo" / "__init__.py"

    def where(text: str) -> Path:
        return bindings(ast.parse(text), init, "echo", ("app",))["app"].file

    assert where("from .core import *\napp = wrap(app)\n") == init  # rebound after the star import
    assert where("app = None\nfrom .core import *\n") == tmp_path / "echo" / "core.py"
    assert bindings(ast.parse("from .elsewhere import *\n"), init, "echo", ("app",)) == {}  # no such module


@pytest.mark.parametrize(("source", "expected"), [
    ("x = 1\n", None),
    ("__all__ = ['a', 'b']\n", {"a", "b"}),
    ("__all__ = ('a',)\n__all__ += ['b']\n", {"a", "b"}),
    ("__all__ = ['a'] + other.__all__\n", set()),
    ("__all__ += ['a']\n", set()),  # extends a list set elsewhere: cannot tell
])
def test_exported_names(source: str, expected: set[str] | None) -> None:
    names = exported_names(ast.parse(source))
    assert (None if names is None else set(names)) == expected
