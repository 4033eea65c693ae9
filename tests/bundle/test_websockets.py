"""The bundle check's WebSocket finders against real framework apps, where the framework is installed.

tests/bundle/test_check.py runs them in the check on stand-ins of each app's attributes; these pin the
attributes to the frameworks themselves (skipped where a framework is not installed: none is a dependency).
"""

from __future__ import annotations

from typing import Any

import pytest

from shoehorn.bundle import websockets


def found(app) -> dict | None:
    names: dict = {}
    exec(websockets.PROBE, names)  # noqa: S102 (the probe's own text, as the check runs it)
    return names["websockets_found"](type("Handler", (), {"app": app})())


def test_quart() -> None:
    quart = pytest.importorskip("quart")
    app = quart.Quart("ws_test")

    @app.websocket("/ws")
    async def ws() -> None: ...

    assert found(app) == {"paths": ["/ws"], "says": None}


def test_flask_sock() -> None:
    flask = pytest.importorskip("flask")
    flask_sock = pytest.importorskip("flask_sock")
    app = flask.Flask("ws_test")
    sock = flask_sock.Sock(app)

    @sock.route("/echo")
    def echo(ws) -> None: ...

    assert found(app) == {"paths": ["/echo"], "says": None}
    assert found(flask.Flask("plain")) is None


def test_flask_socketio() -> None:
    flask = pytest.importorskip("flask")
    flask_socketio = pytest.importorskip("flask_socketio")
    app = flask.Flask("ws_test")
    flask_socketio.SocketIO(app)
    assert found(app) == {"paths": ["/socket.io"], "says": "Flask-SocketIO"}
    assert "long-polling" in websockets.note(found(app))


def test_sanic() -> None:
    sanic = pytest.importorskip("sanic")
    app = sanic.Sanic("ws_test")

    @app.websocket("/feed")
    async def feed(request, ws) -> None: ...

    assert found(app) == {"paths": ["/feed"], "says": "Sanic"}


def test_litestar() -> None:
    litestar = pytest.importorskip("litestar")

    @litestar.websocket("/live")
    async def live(socket: Any) -> None: ...  # (annotations are strings here: no litestar.WebSocket)

    assert found(litestar.Litestar([live])) == {"paths": ["/live"], "says": None}


def test_django_channels() -> None:
    pytest.importorskip("channels")
    from django.conf import settings

    if not settings.configured:
        settings.configure(INSTALLED_APPS=[])
    import django

    django.setup()
    from channels.auth import AuthMiddlewareStack
    from channels.generic.websocket import WebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.urls import path

    routes = URLRouter([path("ws/chat/<str:room>/", WebsocketConsumer.as_asgi())])
    app = ProtocolTypeRouter({"websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(routes))})
    assert found(app) == {"paths": ["ws/chat/<str:room>/"], "says": "Channels"}


def test_starlette_mounts() -> None:
    pytest.importorskip("starlette")
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route, WebSocketRoute

    async def endpoint(scope, receive, send) -> None: ...

    app = Starlette(routes=[Route("/", endpoint), Mount("/sub", routes=[WebSocketRoute("/feed", endpoint)])])
    assert found(app) == {"paths": ["/sub/feed"], "says": None}


def test_a_socketio_server_mounted_on_starlette() -> None:
    # python-socketio's ASGIApp mounted as a sub-app (NiceGUI's ui.run_with mounts one at /_nicegui_ws):
    # a stand-in of its public shape, engineio's ASGIApp class name and its engineio_server
    pytest.importorskip("starlette")
    from starlette.applications import Starlette
    from starlette.routing import Mount

    class ASGIApp:
        engineio_server = object()
        engineio_path = "/socket.io/"

        async def __call__(self, scope, receive, send) -> None: ...

    inner = Starlette(routes=[Mount("/_nicegui_ws", app=ASGIApp())])
    app = Starlette(routes=[Mount("/", app=inner)])
    assert found(app) == {"paths": ["/_nicegui_ws/socket.io"], "says": "Socket.IO"}
    assert "long-polling" in websockets.note(found(app)) and "App Runner" in websockets.note(found(app))


def test_fasthtml_s_live_reload_is_told_it_reloads_every_page_when_deployed() -> None:
    # fast_app(live=True), common in FastHTML's examples: a stand-in of its class (by name) and its route table
    pytest.importorskip("starlette")
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute

    async def endpoint(scope, receive, send) -> None: ...

    class FastHTMLWithLiveReload(Starlette):
        pass

    app = FastHTMLWithLiveReload(routes=[WebSocketRoute("/live-reload", endpoint)])
    assert found(app) == {"paths": ["/live-reload"], "says": "FastHTML live reload"}
    assert "reloads itself every 20 seconds or so" in websockets.note(found(app))
