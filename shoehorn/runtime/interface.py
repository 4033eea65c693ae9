"""WSGI or ASGI? The one detector, shared by ``adapt()`` and ``shoehorn dev``."""

from __future__ import annotations

from shoehorn.runtime.errors import LambdaHandlerGiven, OwnServerApp, ServedByServer, UnknownInterface

_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect (cold start)


def detect_interface(app) -> str:
    """ "asgi" for an async callable (or one taking scope, receive, send), else "wsgi"
    for one taking (environ, start_response); UnknownInterface when neither fits, or when it is
    a Lambda handler or an app only its own server runs (see refuse_not_web_app)."""
    refuse_own_server(app)  # first: an aiohttp Application is callable, and passed for an app factory
    if not callable(app):
        _refuse_served(app)
        raise UnknownInterface(
            f"shoehorn cannot adapt {app!r}: it is not callable",
            "pass the WSGI/ASGI application object itself (e.g. `app`, not `app.run`)",
        )
    refuse_lambda_handler(app)
    code, bound = _code(app)
    if code is None:  # a C callable, functools.partial...: ask inspect (slow, rare)
        return _detect_with_inspect(app)
    if code.co_flags & _CO_COROUTINE or getattr(app, "_is_coroutine_marker", None) is not None:
        return "asgi"
    count = code.co_argcount - (1 if bound else 0)
    if count == 3:
        return "asgi"
    if count == 2:
        return "wsgi"
    return _detect_with_inspect(app)


def _code(app):
    """(the code object Python runs when ``app`` is called, whether its first parameter is bound)."""
    code = getattr(app, "__code__", None)
    if code is not None:
        return code, hasattr(app, "__self__")  # a bound method: self is not a parameter
    return getattr(getattr(type(app), "__call__", None), "__code__", None), True


def refuse_not_web_app(app) -> None:
    """For an interface set by hand: what no interface drives (a Lambda handler, an app of its own server)."""
    refuse_own_server(app)
    refuse_lambda_handler(app)


# Frameworks whose apps serve HTTP only on the framework's own server, by the module of the app's class
# (or a package above it): (what the app is, why no WSGI/ASGI server can run it, what to do). aiohttp's
# web.Application is callable only to return itself (for gunicorn's aiohttp.GunicornWebWorker, aiohttp's
# own server in a gunicorn worker); Tornado 6 removed tornado.wsgi.WSGIAdapter (its maintainers: it "won't
# be coming back") and has no ASGI interface; its Application is called with a tornado HTTPServerRequest.
# Both were taken for an app factory or an app of unknown interface, and the hint sent the user to settings
# that cannot work. Microdot's own Microdot (its README's) is not callable; the same app imported from
# microdot.asgi is an ASGI app (microdot.wsgi's, a WSGI app, routes SCRIPT_NAME + PATH_INFO: nothing under the
# stage prefix matches its routes, so the fix names the ASGI one).
# A Klein app (24.8) is not callable at all (found as app:app, it failed the check with "it is not callable",
# and the hint sent the user to `interface`): Twisted's web server serves its resource(), and Klein has no
# WSGI or ASGI interface (Twisted's WSGIResource hosts a WSGI app, not the other way round).
# (Starlette's `async def endpoint(request)` is aiohttp's handler shape, its HTTPEndpoint's get/post methods a
# Tornado RequestHandler's.)
_MOVE = ("shoehorn runs WSGI and ASGI apps only: move the handlers to an ASGI framework (Starlette's async endpoints "
         "and HTTPEndpoint classes are close to them; FastAPI builds on it) or a WSGI one (Flask), or deploy it where "
         "its own server runs (a container)")
OWN_SERVER = {
    "aiohttp": ("an aiohttp web.Application",
                "aiohttp serves it only on its own HTTP server, started by web.run_app or gunicorn's "
                "aiohttp.GunicornWebWorker; aiohttp has no WSGI or ASGI interface", _MOVE),
    "tornado": ("a Tornado Application",
                "Tornado serves it only on its own HTTP server; Tornado 6 removed tornado.wsgi.WSGIAdapter, and "
                "Tornado has no ASGI interface", _MOVE),
    "klein": ("a Klein app",
              "Klein serves it only on Twisted's web server, started by app.run() or by twistd with app.resource(); "
              "Klein has no WSGI or ASGI interface",
              "shoehorn runs WSGI and ASGI apps only: Klein's routes are Werkzeug's, as Flask's are, so they move to "
              "Flask as written (@app.route with the same patterns; a view takes no request argument and reads "
              "flask.request), or deploy it where Twisted runs (a container)"),
    "robyn": ("a Robyn app", "Robyn serves it only on its own Rust HTTP server, started by app.start(); Robyn has no "
              "WSGI or ASGI interface",
              "shoehorn runs WSGI and ASGI apps only: Robyn's routes move to FastAPI nearly as written "
              "(@app.get(\"/\") on an async function; FastAPI hands the request only to a parameter typed Request), "
              "or deploy it where app.start() runs (a container)"),
    "microdot.microdot": ("microdot's own Microdot", "it runs on Microdot's own web server, started by app.run()",
                          "import it from microdot.asgi instead (`from microdot.asgi import Microdot`): the same app, "
                          "with the same routes, as an ASGI app"),
}
# The standard library's servers and request handlers (http.server, socketserver): a handler class is
# called as Handler(request, client_address, server), three arguments, and passed for an ASGI app.
_STDLIB_SERVER = ("BaseRequestHandler", "BaseServer")


def refuse_own_server(app) -> None:
    """OwnServerApp when ``app`` is an app of OWN_SERVER, or the standard library's http.server handler or
    server, rather than a WSGI/ASGI app."""
    kind = type(app)
    module = getattr(kind, "__module__", None) or ""
    for owner in (module, module.partition(".")[0]):
        if owner in OWN_SERVER:
            what, why, fix = OWN_SERVER[owner]
            raise OwnServerApp(f"shoehorn cannot adapt {app!r}: it is {what}, which is neither WSGI nor ASGI ({why})",
                               fix)
    classes = getattr(app, "__mro__", None) if isinstance(app, type) else kind.__mro__
    if any(c.__module__ == "socketserver" and c.__name__ in _STDLIB_SERVER for c in classes or ()):
        raise OwnServerApp(
            f"shoehorn cannot adapt {app!r}: it is a request handler or server of the standard library's "
            "http.server (socketserver), which serves HTTP itself and is neither WSGI nor ASGI",
            "write the handlers as a WSGI app (a function taking (environ, start_response), as wsgiref's "
            "make_server serves it, or a Flask app) or an ASGI one, and point the app reference at it",
        )


# A Lambda handler is called as handler(event, context). An app someone already wrapped for Lambda
# (Mangum, apig-wsgi's make_lambda_handler, a function calling serverless_wsgi.handle_request) and a
# Chalice app are called that way: by its two parameters it passed for a WSGI app and failed on its
# first request, inside the wrapper, far from the cause.
_HANDLER_PARAMETERS = ("event", "context")


def refuse_lambda_handler(app) -> None:
    """LambdaHandlerGiven when ``app`` is a Lambda handler or a Chalice app rather than a WSGI/ASGI app."""
    code, bound = _code(app)
    if code is None:
        return
    if code.co_varnames[int(bound):code.co_argcount] != _HANDLER_PARAMETERS:
        return
    owner = getattr(app, "__module__", None) if hasattr(app, "__code__") else type(app).__module__
    if (owner or "").partition(".")[0] == "chalice":
        raise LambdaHandlerGiven(
            f"shoehorn cannot adapt {app!r}: a Chalice app is neither WSGI nor ASGI (Chalice routes Lambda "
            "events itself)",
            "deploy it with `chalice deploy`, or move its routes to Flask or FastAPI, whose apps shoehorn runs",
        )
    wrapped = _wrapped(app)
    around = f" around a {type(wrapped).__module__}.{type(wrapped).__qualname__}" if wrapped is not None else ""
    raise LambdaHandlerGiven(
        f"shoehorn cannot adapt {app!r}: it is a Lambda handler{around} (it takes event, context), not a WSGI or "
        "ASGI app",
        "point the app reference at the web app the handler calls (for `handler = Mangum(app)` in main.py: "
        'app = "main:app" in shoehorn.toml, not "main:handler"; adapt(app), not adapt(handler)): shoehorn\'s '
        "own handler calls it",
    )


def _wrapped(handler):
    """The app a wrapper holds: Mangum's ``.app``, or a closure's ``app`` / ``wsgi_app`` (apig-wsgi);
    None if unknown."""
    inner = getattr(handler, "app", None)
    if inner is not None:
        return inner
    names = getattr(getattr(handler, "__code__", None), "co_freevars", ())
    cells = getattr(handler, "__closure__", None) or ()
    for name, cell in zip(names, cells):
        if name == "app" or name.endswith("_app"):
            try:
                return cell.cell_contents
            except ValueError:  # an empty cell
                return None
    return None


def _refuse_served(app) -> None:
    """ServedByServer naming the fix when ``app`` runs on a web app held in its ``server`` attribute, as a
    Dash app does (Dash 4's takes *args and passes them on, so its interface cannot be told; Dash 2's is not
    callable): that server is the WSGI/ASGI app."""
    served = getattr(app, "server", None)
    if served is None or served is app or not callable(served):
        return
    raise ServedByServer(
        f"shoehorn cannot adapt {app!r}: it runs on the web app in its `server` attribute "
        f"({type(served).__module__}.{type(served).__qualname__}), which is the WSGI/ASGI app to serve",
        'point the app reference at it: app = "module:app.server" in shoehorn.toml (adapt(app.server)), as '
        "`gunicorn module:app.server` would serve it",
    )


def _detect_with_inspect(app) -> str:
    import inspect

    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(getattr(app, "__call__", None)):
        return "asgi"
    try:
        params = [
            p
            for p in inspect.signature(app).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    if len(params) == 3:
        return "asgi"
    if len(params) == 2:
        return "wsgi"
    _refuse_served(app)
    if not params:  # an app factory named without its call
        raise UnknownInterface(
            f"shoehorn cannot adapt {app!r}: it takes no arguments, so it is no WSGI or ASGI app",
            'if it is an app factory, call it: `app = "module:create_app()"` in shoehorn.toml '
            "(or pass create_app() to adapt())",
        )
    raise UnknownInterface(
        f"shoehorn cannot tell whether {app!r} is a WSGI or an ASGI app",
        'pass interface="wsgi" or interface="asgi" to adapt() (or `interface` in shoehorn.toml)',
    )
