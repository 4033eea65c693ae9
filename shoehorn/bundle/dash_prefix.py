"""A Dash app's page under the stage prefix: told at build, with the setting that fixes it.

Dash writes the URLs its page loads (``/_dash-component-suites/...``, ``/_dash-layout``,
``/_dash-update-component``) from ``requests_pathname_prefix``, fixed when the ``Dash(...)`` object
is made (the argument, else ``$DASH_REQUESTS_PATHNAME_PREFIX``, ``$DASH_URL_BASE_PATHNAME`` or
``/$DASH_APP_NAME/``; dash/_configs.py), never from the request's SCRIPT_NAME. Left at "/", the
page on the execute-api URL (``/dev/``) asks for them outside the stage: API Gateway answers 403
and the page stays at "Loading...". Zappa users meet the same and set the prefix by hand.

shoehorn does not set it for the user: the right value depends on where the app is served from
(``/dev/`` on the execute-api URL, a custom domain's base path, the local cloud's
``/restapis/...`` prefix), which the function cannot know when Dash reads it, at import; a
value set for one URL breaks the others, a custom domain included (and ``shoehorn dev``, which
serves the app at / with the stage's environment). So ``build`` says which setting fixes it, in
which table, and for which URL.
"""

from __future__ import annotations

import ast

from shoehorn.appref import module_file
from shoehorn.config import Config
from shoehorn.discovery import bound_call, parse_file

# What sets the prefix, besides the default "/": Dash's keywords and the variables it reads.
KEYWORDS = ("requests_pathname_prefix", "url_base_pathname")
VARIABLES = ("DASH_REQUESTS_PATHNAME_PREFIX", "DASH_URL_BASE_PATHNAME", "DASH_APP_NAME")


def unprefixed(config: Config) -> str | None:
    """The warning for a Dash app left with requests_pathname_prefix "/", else None.

    Read from the app's module without importing it: the app reference's object is bound to a
    ``Dash(...)`` call (``app:app.server``, or ``app:server`` with ``server = app.server``) that
    passes neither keyword (nor ``**options``), and the stage's environment sets none of the
    variables."""
    if any(name in config.environment for name in VARIABLES):
        return None
    file, head = module_file(config.directory, config.app, config.source_dir)
    call = _dash_call(parse_file(file), head) if file is not None else None
    if call is None or any(k.arg is None or k.arg in KEYWORDS for k in call.keywords):
        return None
    return (f"this Dash app loads its scripts and callbacks from /_dash-... (its requests_pathname_prefix is "
            f"\"/\"): on the execute-api URL, under /{config.stage}/, they are outside the stage and the page "
            f"stays at \"Loading...\". Set DASH_REQUESTS_PATHNAME_PREFIX = \"/{config.stage}/\" under "
            f"[stages.{config.stage}.environment] in shoehorn.toml, for the execute-api URL and `shoehorn dev --lambda` "
            f"(behind a custom domain: its base path, \"/\" for none; in the local cloud: "
            f"/restapis/API/{config.stage}/_user_request_/). `shoehorn dev` serves the app at / with that environment "
            f"too: run it with a stage that does not set it (`shoehorn dev --stage local`)")


def _dash_call(tree: ast.Module | None, head: str) -> ast.Call | None:
    """The ``Dash(...)`` call behind the name ``head``: bound to it, or to X where ``head = X.server``."""
    call = bound_call(tree, head)
    if call is None:
        served = _alias_of_server(tree, head)
        call = bound_call(tree, served) if served else None
    if call is None:
        return None
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return call if name == "Dash" else None


def _alias_of_server(tree: ast.Module | None, head: str) -> str | None:
    """X when the module binds ``head = X.server`` (Dash's deployment docs: ``server = app.server``)."""
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == head for t in node.targets):
            value = node.value
            if isinstance(value, ast.Attribute) and value.attr == "server" and isinstance(value.value, ast.Name):
                return value.value.id
    return None
