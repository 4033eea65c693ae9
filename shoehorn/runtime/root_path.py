"""ASGI apps that read ``scope["path"]`` as the path inside the app, without ``root_path``.

shoehorn's scope carries the full path, ``root_path`` included (what uvicorn sends since 0.26 and
what Starlette, Litestar, Quart and Django expect: each strips ``root_path`` before routing).
Falcon's ASGI App (4.4) does not: its Request takes ``scope["path"]`` as the path below the
root (``req.uri`` is scheme://host + root_path + path, as ``req.path`` is PATH_INFO under WSGI),
so under the stage prefix every route of Falcon's own README app answered 404 (as under
``uvicorn --root-path``; under Mangum, which sends no root_path, it routed). For such an app the
path leaves ``root_path`` out, as WSGI's PATH_INFO leaves SCRIPT_NAME out: its routes match and
the URLs it builds still carry the prefix. ``raw_path`` stays as received (the ASGI spec).

Responder (9.2), Microdot's ASGI app (2.7) and Emmett (2.8, its App is emmett_core's) read ``scope["path"]`` the
same way, and never read ``root_path`` (Responder's own mounts take the prefix off ``path`` and add it to
``root_path``, the older ASGI reading): Responder's hello world answered 307 to its own stage URL and 404 to
every route, as Microdot's and Emmett's did. The URLs they build (Emmett's ``url()``, Responder's trailing-slash
redirect) lack the prefix: none reads one from the request.

Sanic (25.12) routes on ``raw_path`` and never reads ``root_path``: its README app answered 404 to every
route under the stage (as under ``uvicorn --root-path``). It gets both without the prefix, so its routes
match; the URLs it builds (``url_for``, redirects) then lack the prefix, as Litestar's ``Redirect`` does:
it has no setting that takes one.

Datasette (0.65) routes on ``raw_path`` too and never reads ``root_path``: ``Datasette(files=[...]).app()``
answered 404 to every page under the stage, and ``/dev/`` redirected to itself. It builds its links as its
``base_url`` setting + the request's path: given the prefix, with ``base_url = "/dev/"`` (which it takes off
the path before routing, as its docs' proxies keep it on), its export and sort links were
``/dev/dev/db/table.json`` (its own test client, ``ds.client``, makes the same). It gets both without the
prefix, as behind a proxy that takes it off, and then every link is right; left at ``"/"``, its links and
stylesheet lack the prefix (``build`` says to set ``base_url``: shoehorn/bundle/datasette_base.py).

BlackSheep (2.6) is not listed: its Application takes ``root_path`` off ``path`` and ``raw_path`` itself, and its
``URLResolver.url_for`` and ``serve_files`` put it back. Its OpenAPI UI's redirect from ``/docs`` to ``/docs/`` does
not (``dev --lambda`` names it: shoehorn/local/off_stage.py).
"""

from __future__ import annotations

# Modules of the app classes that route on scope["path"] as the path below root_path.
_BELOW_ROOT = ("falcon.asgi", "responder.", "microdot.asgi", "emmett_core.")
# ... and those that route on scope["raw_path"], which must lose the prefix too.
_RAW_BELOW_ROOT = ("sanic.app", "datasette.")  # (Datasette's app is datasette.utils.asgi's)


def fitted(app):
    """``app``, or ``app`` behind RootLeftOut when its class routes below root_path (Falcon, Responder, Microdot,
    Emmett; Sanic and Datasette on raw_path)."""
    modules = [str(getattr(kind, "__module__", "")) for kind in getattr(type(app), "__mro__", ())]
    if any(module.startswith(_RAW_BELOW_ROOT) for module in modules):
        return RootLeftOut(app, raw=True)
    if any(module.startswith(_BELOW_ROOT) for module in modules):
        return RootLeftOut(app)
    return app


class RootLeftOut:
    """Passes each HTTP and WebSocket scope on with ``root_path`` taken off the front of ``path`` (and of
    ``raw_path`` with ``raw``)."""

    def __init__(self, app, raw: bool = False) -> None:
        self.app = app
        self.raw = raw

    async def __call__(self, scope, receive, send):
        root = scope.get("root_path", "")
        path = scope.get("path", "")
        if root and scope["type"] != "lifespan" and (path == root or path.startswith(root + "/")):
            scope = {**scope, "path": path[len(root):] or "/"}
            if self.raw:  # the root went into raw_path as UTF-8 (runtime/asgi.py)
                scope["raw_path"] = scope["raw_path"][len(root.encode()):] or b"/"
        return await self.app(scope, receive, send)
