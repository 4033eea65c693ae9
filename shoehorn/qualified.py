"""What a name written in a module stands for, by the module's own imports, read with ``ast`` (never imported).

A class name alone does not say which framework's it is: ``Application`` is BlackSheep's ASGI app, aiohttp's
and Tornado's apps of their own servers, and ``API`` is Responder's app but also Flask-RESTful's extension.
``from aiohttp import web`` then ``web.Application()`` is aiohttp's ``aiohttp.web.Application``.
"""

from __future__ import annotations

import ast


def imported(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted name it stands for, from the module's imports (``import tornado.web`` binds
    tornado; ``from aiohttp import web as w`` binds w -> aiohttp.web)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def called(call: ast.expr | None, names: dict[str, str]) -> str | None:
    """The dotted name ``call`` calls (``web.Application()`` -> "aiohttp.web.Application"), else None (not a
    call, or of a name no import binds)."""
    if not isinstance(call, ast.Call):
        return None
    parts: list[str] = []
    func = call.func
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in names:
        return None
    return ".".join([names[func.id], *parts])
