"""WSGI or ASGI? The one detector, shared by ``adapt()`` and ``shoehorn dev``."""

from __future__ import annotations

from shoehorn.runtime.errors import UnknownInterface

_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect (cold start)


def detect_interface(app) -> str:
    """ "asgi" for an async callable (or one taking scope, receive, send), else "wsgi"
    for one taking (environ, start_response); UnknownInterface when neither fits."""
    if not callable(app):
        raise UnknownInterface(
            f"shoehorn cannot adapt {app!r}: it is not callable",
            "pass the WSGI/ASGI application object itself (e.g. `app`, not `app.run`)",
        )
    code = getattr(app, "__code__", None)
    bound = hasattr(app, "__self__")  # a bound method: self is not a parameter
    if code is None:
        call = getattr(type(app), "__call__", None)
        code = getattr(call, "__code__", None)
        bound = True
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
