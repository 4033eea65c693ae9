"""An ASGI app that routes on scope["path"] below root_path (Falcon) gets the path without the stage."""

from __future__ import annotations

import json

import httpx

from shoehorn.runtime.root_path import RootLeftOut, fitted
from shoehorn.testing import LambdaTransport


async def _seen(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        await send({"type": message["type"] + ".complete"})
        return
    body = json.dumps({"path": scope["path"], "root_path": scope["root_path"],
                       "raw_path": scope["raw_path"].decode()}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


class FalconLike:
    """Stands in for falcon.asgi.App (4.4), found by its class's module as the real one is."""

    async def __call__(self, scope, receive, send):
        await _seen(scope, receive, send)


FalconLike.__module__ = "falcon.asgi.app"


class Subclassed(FalconLike):  # an app's own subclass of falcon.asgi.App
    pass


def _get(app, path: str) -> dict:
    transport = LambdaTransport(app, source="rest", stage="prod", interface="asgi")
    with httpx.Client(transport=transport, base_url="https://abc.execute-api.us-east-1.amazonaws.com") as client:
        return client.get(path).json()


def test_falcon_routes_below_the_stage_and_keeps_it_as_its_root_path() -> None:
    # every route of Falcon's README app answered 404 under the stage: it took "/prod/1/things" for its path
    for app in (FalconLike(), Subclassed()):
        assert _get(app, "/prod/1/things") == {"path": "/1/things", "root_path": "/prod",
                                               "raw_path": "/prod/1/things"}
        assert _get(app, "/prod")["path"] == "/"


def test_responder_microdot_and_emmett_route_below_the_stage() -> None:
    # Responder's hello world answered 307 to its stage URL and 404 to every route, as Microdot's ASGI app and
    # Emmett's did: they route on scope["path"] and never read root_path
    for module in ("responder.api", "microdot.asgi", "emmett_core.app"):  # (Emmett's App is emmett_core's)
        kind = type("App", (), {"__module__": module, "__call__": FalconLike.__call__})  # not Falcon's subclass
        assert _get(kind(), "/prod/hello") == {"path": "/hello", "root_path": "/prod", "raw_path": "/prod/hello"}
    own_server = type("Microdot", (), {"__module__": "microdot.microdot"})()  # not ASGI: nothing to fit
    assert fitted(own_server) is own_server


def test_other_apps_keep_the_full_path_as_uvicorn_sends_it() -> None:
    assert _get(_seen, "/prod/1/things") == {"path": "/prod/1/things", "root_path": "/prod",
                                             "raw_path": "/prod/1/things"}
    assert fitted(_seen) is _seen
    assert isinstance(fitted(FalconLike()), RootLeftOut)


def test_a_path_outside_the_root_is_left_as_it_is() -> None:
    # (a front that sends no stage: a custom domain, SAM local) the app sees what came
    assert _get(FalconLike(), "/1/things") == {"path": "/1/things", "root_path": "", "raw_path": "/1/things"}


class SanicLike:
    """Stands in for sanic.app.Sanic (25.12), which routes on scope["raw_path"] and never reads root_path."""

    async def __call__(self, scope, receive, send):
        await _seen(scope, receive, send)


SanicLike.__module__ = "sanic.app"


def test_sanic_routes_on_a_raw_path_below_the_stage() -> None:
    # Sanic's README app answered 404 to every route under the stage: it routed "/prod/" (raw_path)
    assert _get(SanicLike(), "/prod/a%20b") == {"path": "/a b", "root_path": "/prod", "raw_path": "/a%20b"}
    assert _get(SanicLike(), "/prod")["raw_path"] == "/"
    assert _get(SanicLike(), "/other") == {"path": "/other", "root_path": "", "raw_path": "/other"}


def test_datasette_routes_on_a_raw_path_below_the_stage_and_its_base_url_is_the_prefix() -> None:
    # Datasette (0.65) routes on scope["raw_path"] and never reads root_path: under the stage every page of
    # Datasette(files=[...]).app() answered 404 and /prod/ redirected to itself; with base_url "/prod/" its export
    # links were base_url + raw_path, "/prod/prod/db/table.json". Without the prefix, its routes and links are right.
    app = type("AsgiRunOnFirstRequest", (), {"__module__": "datasette.utils.asgi", "__call__": FalconLike.__call__})()
    assert _get(app, "/prod/db/dogs") == {"path": "/db/dogs", "root_path": "/prod", "raw_path": "/db/dogs"}
    assert _get(app, "/prod")["raw_path"] == "/"
