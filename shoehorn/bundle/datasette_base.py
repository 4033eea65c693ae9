"""A Datasette app's links under the stage prefix: told at build, with the setting that fixes them.

Datasette (0.65) builds every link, its stylesheet's and scripts' included, as its ``base_url`` setting +
the path below it, and never reads the request's ``root_path`` (the function gets the path without the
stage: shoehorn/runtime/root_path.py). Left at its default "/",
the pages on the execute-api URL (``/dev/``) answer, but they are unstyled and every link leads outside
the stage, where API Gateway answers 403.

shoehorn cannot set it for the user: Datasette takes it only when it is made (``settings=``, or a
configuration directory's settings.json), and the right value depends on where the app is served from
(``/dev/`` on the execute-api URL, a custom domain's base path, the local cloud's ``/restapis/...``
prefix). So ``build`` says which setting fixes it, read from the app's module without importing it.
"""

from __future__ import annotations

import ast

from shoehorn import qualified
from shoehorn.appref import module_file
from shoehorn.config import Config
from shoehorn.discovery import bound_call, parse_file

# Where the class is imported from (datasette/__init__.py does not export it).
DATASETTE = "datasette.app.Datasette"
# Keywords that may set base_url in a way not read here: a configuration directory (settings.json)
# and ** arguments.
OPAQUE = ("config_dir", None)


def unprefixed(config: Config) -> str | None:
    """The warning for an app reference bound to ``Datasette(...).app()`` (or ``ds.app()`` with ``ds =
    Datasette(...)``) whose settings leave base_url at "/", else None. Settings given as anything but a
    dict literal (a variable, a call) are taken to set it."""
    file, head = module_file(config.directory, config.app, config.source_dir)
    tree = parse_file(file) if file is not None else None
    call = _datasette_call(tree, head) if tree is not None else None
    if call is None or any(k.arg in OPAQUE for k in call.keywords):
        return None
    settings = next((k.value for k in call.keywords if k.arg == "settings"), None)
    if settings is not None and (not isinstance(settings, ast.Dict) or "base_url" in _keys(settings)):
        return None
    return (f"this Datasette app builds its links and its stylesheet's URL from its base_url setting, left at "
            f"\"/\": on the execute-api URL, under /{config.stage}/, its pages answer unstyled and their links lead "
            f"outside the stage (API Gateway answers 403). Give it the prefix: Datasette(..., settings={{\"base_url\": "
            f"\"/{config.stage}/\"}}), for the execute-api URL and `shoehorn dev --lambda` (behind a custom domain: "
            f"its base path, \"/\" for none; in the local cloud: /restapis/API/{config.stage}/_user_request_/); to "
            f"serve it from more than one, read it from a variable set in each [stages.NAME.environment]")


def _datasette_call(tree: ast.Module, head: str) -> ast.Call | None:
    """The ``Datasette(...)`` call behind ``head = Datasette(...).app()`` or ``head = ds.app()``."""
    call = bound_call(tree, head)
    func = call.func if call is not None else None
    if not (isinstance(func, ast.Attribute) and func.attr == "app"):
        return None
    made = bound_call(tree, func.value.id) if isinstance(func.value, ast.Name) else func.value
    names = qualified.imported(tree)
    return made if qualified.called(made, names) == DATASETTE else None


def _keys(settings: ast.Dict) -> set[str]:
    """The literal string keys of a dict display (``**other`` counts as setting any key)."""
    if any(key is None for key in settings.keys):
        return {"base_url"}
    return {key.value for key in settings.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}
