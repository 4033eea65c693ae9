"""WebSocket endpoints the app declares, named by the bundle check before they are deployed.

A Lambda behind API Gateway's REST API is invoked for HTTP requests only: a WebSocket handshake
never reaches the app, and the client gets 404. Each framework keeps its WebSocket routes its own
way, so one small finder per framework reads them from the app object the check has imported,
through public attributes only. A finder that does not recognise the app, or fails on it (another
version of the framework), finds nothing: this is a warning, never a reason to fail the check.
"""

from __future__ import annotations

# Runs inside the check's interpreter after GET / (the probe's own text). Classes are told by name:
# the probe imports nothing of the app's.
PROBE = r'''
def _ws_routes(routes, prefix=""):
    # Starlette/FastAPI route tables, mounted sub-apps included; Litestar's app.routes too (its
    # websocket handlers become litestar.routes.WebSocketRoute objects, with a path)
    found = []
    for route in routes or ():
        names = {kind.__name__ for kind in type(route).__mro__}
        if "WebSocketRoute" in names:
            found.append(prefix + str(getattr(route, "path", "?")))
        elif "Mount" in names:
            found += _ws_routes(getattr(route, "routes", ()), prefix + str(getattr(route, "path", "")))
    return found
def _ws_starlette(app):
    routes = getattr(app, "routes", None)
    return {"paths": _ws_routes(routes)} if isinstance(routes, (list, tuple)) else None
def _ws_fasthtml_live(app):
    # FastHTML's fast_app(live=True) makes a FastHTMLWithLiveReload, whose pages dial its /live-reload WebSocket
    if "FastHTMLWithLiveReload" not in {kind.__name__ for kind in type(app).__mro__}:
        return None
    return {"paths": _ws_routes(getattr(app, "routes", ())), "says": "FastHTML live reload"}
def _ws_werkzeug(app):
    # Quart's @app.websocket and flask-sock's @sock.route add werkzeug Rules made with websocket=True
    rules = getattr(getattr(app, "url_map", None), "iter_rules", None)
    return {"paths": [str(rule.rule) for rule in rules() if getattr(rule, "websocket", False) is True]} if rules else None
def _ws_sanic(app):
    # @app.websocket sets websocket_enabled; Sanic marks each such route's extra.websocket
    if "Sanic" not in {kind.__name__ for kind in type(app).__mro__} or getattr(app, "websocket_enabled", False) is not True:
        return None
    routes = getattr(getattr(app, "router", None), "routes", ())
    return {"paths": [str(getattr(route, "uri", "?")) for route in routes
                      if getattr(getattr(route, "extra", None), "websocket", False) is True], "says": "Sanic"}
def _ws_channels(app):
    # Django Channels: application = ProtocolTypeRouter({"websocket": AuthMiddlewareStack(URLRouter([...]))})
    mapping = getattr(app, "application_mapping", None)
    if type(app).__name__ != "ProtocolTypeRouter" or not isinstance(mapping, dict) or "websocket" not in mapping:
        return None
    inner = mapping["websocket"]
    for _ in range(10):  # through its middleware: .inner (AuthMiddlewareStack), .application (origin validators)
        if isinstance(getattr(inner, "routes", None), (list, tuple)):
            break
        inner = getattr(inner, "inner", None) or getattr(inner, "application", None)
    routes = getattr(inner, "routes", None)
    paths = [str(route.pattern) for route in routes] if isinstance(routes, (list, tuple)) else []
    return {"paths": paths, "says": "Channels"}
def _ws_socketio(app):
    # Flask-SocketIO's SocketIO(app) registers itself as app.extensions["socketio"]
    extensions = getattr(app, "extensions", None)
    server = extensions.get("socketio") if isinstance(extensions, dict) else None
    if server is None:
        return None
    options = getattr(server, "server_options", None)
    path = (options.get("socketio_path") if isinstance(options, dict) else None) or "socket.io"
    return {"paths": ["/" + str(path).strip("/")], "says": "Flask-SocketIO"}
def _ws_socketio_mounted(routes, prefix=""):
    # python-socketio's ASGIApp mounted in a Starlette/FastAPI route table: NiceGUI's ui.run_with(app) mounts
    # its pages' Socket.IO server at /_nicegui_ws; its class is told by name (engineio's ASGIApp)
    for route in routes or ():
        if "Mount" not in {kind.__name__ for kind in type(route).__mro__}:
            continue
        path = prefix + str(getattr(route, "path", ""))
        mounted = getattr(route, "app", None)
        if "ASGIApp" in {kind.__name__ for kind in type(mounted).__mro__} and hasattr(mounted, "engineio_server"):
            says = "NiceGUI" if type(mounted).__module__.partition(".")[0] == "nicegui" else "Socket.IO"
            return {"paths": [path + "/" + str(getattr(mounted, "engineio_path", "socket.io")).strip("/")],
                    "says": says}
        found = _ws_socketio_mounted(getattr(route, "routes", ()), path)
        if found:
            return found
    return None
def _ws_socketio_asgi(app):
    routes = getattr(app, "routes", None)
    return _ws_socketio_mounted(routes) if isinstance(routes, (list, tuple)) else None
def websockets_found(handler):
    app = getattr(handler, "app", None)
    app = getattr(app, "__wrapped__", app)  # behind shoehorn's static-file wrapper (runtime/static.py)
    for finder in (_ws_socketio, _ws_socketio_asgi, _ws_channels, _ws_sanic, _ws_werkzeug, _ws_fasthtml_live,
                   _ws_starlette):
        try:
            found = finder(app)
        except Exception:
            continue
        if found and (found["paths"] or found.get("says") in ("Channels", "Sanic")):
            return {"paths": found["paths"][:5], "says": found.get("says")}
    return None
'''

_NOT_HERE = ("a Lambda behind API Gateway's REST API answers HTTP requests only, so they answer 404 once deployed "
             "(API Gateway's WebSocket APIs are another kind of API, which shoehorn does not create)")


def note(found: dict | None) -> str | None:
    """The warning for what ``PROBE``'s ``websockets_found`` reported (None: nothing to say)."""
    if not found:
        return None
    paths = ", ".join(found.get("paths") or ())
    says = found.get("says")
    if says == "Flask-SocketIO":
        return (f"the app uses Flask-SocketIO ({paths}): Socket.IO needs a server that keeps connections open. "
                "A Lambda behind API Gateway's REST API answers HTTP requests only, so its WebSocket transport "
                "answers 404 once deployed, and its long-polling fallback fails too: a session lives in one "
                "process's memory, and each poll may reach another Lambda container (\"Session ID unknown\"). "
                "Serve the Socket.IO part from a long-running server (a container or VM), or use API Gateway's "
                "WebSocket APIs, which shoehorn does not create")
    if says in ("NiceGUI", "Socket.IO"):
        # NiceGUI keeps each page's elements in the process that served it, and drives them through Socket.IO
        served = ("NiceGUI's Socket.IO server (ui.run_with), through which its pages, kept in one process's "
                  "memory, are driven" if says == "NiceGUI" else "a python-socketio server")
        return (f"the app mounts {served}, at {paths}: Socket.IO needs a server that keeps connections open. "
                "A Lambda behind API Gateway's REST API answers HTTP requests only, so its WebSocket transport "
                "answers 404 once deployed, and its long-polling fallback fails too: each poll may reach another "
                "Lambda container, which holds no such session. Serve it from a long-running server (a container "
                "service: AWS App Runner, or ECS on Fargate)")
    if says == "FastHTML live reload":
        # its script (fasthtml/live_reload.py) dials ws://<host>/live-reload, outside the stage, again and again (20 ms
        # apart: its two numbers are swapped) and reloads the page after 1000 failures; an https page may refuse ws://
        return (f"the app is FastHTML's live-reload app (fast_app(live=True)), with WebSocket routes ({paths}): "
                f"{_NOT_HERE}; each page's script keeps dialing ws://<host>/live-reload, which never answers: "
                "depending on the browser, the page logs WebSocket errors or reloads itself every 20 seconds or so. "
                "Live reload is for development: leave live=True out of the deployed app "
                "(fast_app(live=os.environ.get(\"LIVE\") == \"1\"), set only where you develop)")
    if says == "Channels" and not paths:
        return ("the project routes WebSockets through Django Channels (its ProtocolTypeRouter has a \"websocket\" "
                f"entry): {_NOT_HERE}")
    if says == "Sanic" and not paths:
        return f"the Sanic app has WebSocket routes (app.websocket_enabled): {_NOT_HERE}"
    where = " (Django Channels' URLRouter)" if says == "Channels" else ""
    return f"the app has WebSocket routes ({paths}){where}: {_NOT_HERE}"
