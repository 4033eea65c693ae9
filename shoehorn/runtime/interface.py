"""WSGI or ASGI? The one detector, shared by ``adapt()`` and ``shoehorn dev``."""

from __future__ import annotations

from shoehorn.runtime.errors import LambdaHandlerGiven, ServedByServer, UnknownInterface

_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect (cold start)


def detect_interface(app) -> str:
    """ "asgi" for an async callable (or one taking scope, receive, send), else "wsgi"
    for one taking (environ, start_response); UnknownInterface when neither fits, or when it is
    a Lambda handler (see refuse_lambda_handler)."""
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
