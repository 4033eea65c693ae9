"""The generated entry point and the slice of shoehorn that ships."""

from __future__ import annotations

import ast

from shoehorn.bundle import shim


def test_source_imports_the_app_and_adapts_it() -> None:
    text = shim.source("mypkg.wsgi:application")
    tree = ast.parse(text)
    imports = [(n.module, [a.name for a in n.names]) for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert imports == [("shoehorn.runtime.handler", ["adapt"]), ("mypkg.wsgi", ["application"])]
    assert "handler = adapt(_app)" in text


def test_attribute_paths() -> None:
    assert "handler = adapt(_app.wsgi_app)" in shim.source("server:flask_app.wsgi_app")


def test_only_the_runtime_and_package_init_ship() -> None:
    names = set(shim.runtime_files())
    assert "shoehorn/__init__.py" in names and "shoehorn/runtime/handler.py" in names
    assert all(n == "shoehorn/__init__.py" or n.startswith("shoehorn/runtime/") for n in names)
