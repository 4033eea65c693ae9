"""adapt(app) -> handler(event, context): pick the source, drive the app, render the answer.

Also the edges a bare app never sees: warm-up pings, non-HTTP events, malformed events
(400), app exceptions (500, traceback logged with the request id, never sent to the client)
and responses over Lambda's 6 MB payload limit (a clear 502 instead of Lambda's opaque error).
"""

from __future__ import annotations

from shoehorn.runtime import command, events, wsgi
from shoehorn.runtime.errors import MalformedEvent, NotHttpEvent, UnknownInterface
from shoehorn.runtime.types import Response

_REST = events.rest
_rest_environ = wsgi.rest_environ
_collect = wsgi.collect
_render_rest = events.rest.render_parts


def _log():
    """The "shoehorn.runtime" logger, imported on the first log line (logging costs ~10 ms of
    cold start, and the happy path never logs)."""
    import logging

    return logging.getLogger("shoehorn.runtime")


# Lambda's synchronous invocation response limit, counted on the serialized JSON
# ("Response payload size exceeded maximum allowed payload size (6291556 bytes)", azul #6514).
PAYLOAD_LIMIT = 6 * 1024 * 1024
# An ALB target's response JSON is limited to 1 MB (ELB docs, lambda-functions.md): the ALB
# answers 502 above that, however far below Lambda's own limit it is.
ALB_PAYLOAD_LIMIT = 1024 * 1024


def _safe_below(limit: int) -> int:
    # JSON escaping can at most multiply a str's length by 6 ("\u0001"); a body shorter than
    # this cannot reach the limit, so the exact (costly) count only runs near it.
    return limit // 6 - 16 * 1024


_LIMITS = {events.alb: (ALB_PAYLOAD_LIMIT, _safe_below(ALB_PAYLOAD_LIMIT), "ALB response")}
_DEFAULT_LIMIT = (PAYLOAD_LIMIT, _safe_below(PAYLOAD_LIMIT), "AWS Lambda payload")
_SAFE_BELOW_ALL = min(safe for _, safe, _ in [*_LIMITS.values(), _DEFAULT_LIMIT])

# The keep-warm ping (the schedule in deploy/resources/schedule.py sends it): answered at once.
WARM_EVENT = {"shoehorn": "warm"}

_TEXT = (("content-type", "text/plain; charset=utf-8"),)


def _plain(status: int, text: str) -> Response:
    return Response(status, _TEXT, text.encode("utf-8"))


_BAD_REQUEST = _plain(400, "Bad Request")
_SERVER_ERROR = _plain(500, "Internal Server Error")
_TOO_LARGE = _plain(
    502,
    "Bad Gateway: the response is larger than the 6 MB AWS Lambda payload limit.",
)
_TOO_LARGE_ALB = _plain(
    502,
    "Bad Gateway: the response is larger than the 1 MB limit for ALB Lambda targets.",
)


def adapt(app, *, interface: str | None = None, lifespan: str = "auto") -> LambdaHandler:
    """The Lambda handler for a WSGI or ASGI app.

    ``interface`` forces "wsgi" or "asgi" when detection guesses wrong; ``lifespan`` is
    "auto" (use it if the ASGI app supports it), "on" (startup must succeed) or "off".
    """
    if lifespan not in ("auto", "on", "off"):
        raise ValueError(f'lifespan must be "auto", "on" or "off", not {lifespan!r}')
    if interface is None:
        interface = detect_interface(app)
    elif interface not in ("wsgi", "asgi"):
        raise ValueError(f'interface must be "wsgi" or "asgi", not {interface!r}')
    return LambdaHandler(app, interface, lifespan)


_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect (cold start)


def detect_interface(app) -> str:
    """ "asgi" for an async callable (or one taking scope, receive, send), else "wsgi"."""
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
    raise UnknownInterface(
        f"shoehorn cannot tell whether {app!r} is a WSGI or an ASGI app",
        'pass interface="wsgi" or interface="asgi" to adapt()',
    )


class LambdaHandler:
    """The callable Lambda invokes: ``handler(event, context) -> dict``."""

    def __init__(self, app, interface: str, lifespan: str) -> None:
        self.app = app
        self.interface = interface
        self.lifespan_mode = lifespan
        self._loop = None
        self._asgi = None
        self._lifespan = None
        # Every request is turned into the app's input (environ, or scope and body) by parsing
        # it into a Request first, except the commonest REST event: WSGI apps get it straight
        # from wsgi.rest_environ at the top of __call__, ASGI apps through _shortcut
        # (asgi.rest_scope, armed once the loop is up).
        self._wsgi = interface == "wsgi"
        if self._wsgi:
            self._shortcut, self._prepare, self._call = _no_shortcut, wsgi.build_environ, self._call_wsgi
        else:
            self._shortcut, self._prepare, self._call = _no_shortcut, None, self._call_asgi  # set on start
        self._starting = interface == "asgi"  # until the loop (and lifespan) is up

    def __call__(self, event, context=None) -> dict:
        if self._wsgi:
            environ = _rest_environ(event, context)
            if environ is not None:  # the commonest REST event: straight in and out
                try:
                    status, headers, body = _collect(self.app, environ)
                    result = _render_rest(status, headers, body, environ["REQUEST_METHOD"])
                except Exception:
                    result = _REST.render(self._failed(event, context), event)
                if len(result["body"]) > _SAFE_BELOW_ALL:
                    result = self._limit(result, _REST, event, context)
                return result
        source = events.find_source(event)
        if source is None:
            return command.run(event, context) if command.is_command(event) else self._not_http(event)
        prepared = None
        if source is _REST:
            try:
                prepared = self._shortcut(event, context)
            except Exception:  # an odd event the shortcut did not foresee: parse() judges it
                prepared = None
        if prepared is None:
            try:
                request = source.parse(event)
            except MalformedEvent as exc:
                _log().warning("400 for request %s: %s", _request_id(event, context), exc.message)
                return source.render(_BAD_REQUEST, event)
            except (TypeError, AttributeError, ValueError):  # fields of the wrong shape
                _log().warning(
                    "400 for request %s: the %s event has fields of an unexpected type",
                    _request_id(event, context),
                    source.__name__.rsplit(".", 1)[-1],
                    exc_info=True,
                )
                return source.render(_BAD_REQUEST, event)
        if self._starting:
            self._start_asgi()  # once per container; a failing startup raises loudly, every time
        try:
            if prepared is None:
                prepared = self._prepare(request, event, context)
            response = self._call(prepared)
        except Exception:
            response = self._failed(event, context)
        result = source.render(response, event)
        if len(result["body"]) > _SAFE_BELOW_ALL:
            result = self._limit(result, source, event, context)
        return result

    def _failed(self, event, context) -> Response:
        _log().exception("the app raised while handling request %s", _request_id(event, context))
        return _SERVER_ERROR

    def _limit(self, result: dict, source, event, context) -> dict:
        """``result``, or the 502 that says why when it is over the source's payload limit."""
        limit, safe, what = _LIMITS.get(source, _DEFAULT_LIMIT)
        if len(result["body"]) > safe:
            size = _payload_size(result)
            if size > limit:
                _log().error(
                    "request %s: the %d-byte response (as JSON, base64 included) exceeds the "
                    "%d-byte %s limit; answering 502 instead. Serve large files from S3 or "
                    "paginate/compress the response.",
                    _request_id(event, context),
                    size,
                    limit,
                    what,
                )
                result = source.render(_TOO_LARGE if limit == PAYLOAD_LIMIT else _TOO_LARGE_ALB, event)
        return result

    def _not_http(self, event) -> dict:
        if event == WARM_EVENT:
            return {"shoehorn": "warm", "ok": True}  # keep-warm ping: the app is not called
        seen = sorted(event) if isinstance(event, dict) else type(event).__name__
        raise NotHttpEvent(
            f"shoehorn received an event that is not an HTTP request (keys seen: {seen}); it "
            "understands API Gateway REST/HTTP APIs, Function URLs and ALB events",
            "invoke this function through its HTTP endpoint, or route other event sources "
            "(S3, SQS, schedules...) to a separate function",
        )

    def _call_wsgi(self, environ: dict) -> Response:
        return wsgi.call(self.app, environ)

    def _call_asgi(self, prepared: tuple) -> Response:
        asgi = self._asgi
        lifespan = self._lifespan
        scope, body = prepared
        if lifespan is not None and lifespan.state is not None:
            scope["state"] = lifespan.state.copy()  # ASGI spec: a shallow copy per request
        try:
            return asgi.call(self.app, scope, body, self._loop)
        except asgi.ResponseThenError as exc:
            _log().error(
                "the app raised after completing its response to request %s",
                _request_id(scope["aws.event"], scope["aws.context"]),
                exc_info=exc.__cause__,
            )
            return exc.response

    def _start_asgi(self) -> None:
        from shoehorn.runtime import asgi

        self._asgi = asgi  # imported here: asyncio only loads for ASGI apps
        self._shortcut, self._prepare = asgi.rest_scope, asgi.prepare
        loop = self._lifespan.loop if self._lifespan is not None else asgi.new_loop()
        if self.lifespan_mode != "off":
            import atexit

            from shoehorn.runtime.lifespan import Lifespan

            if self._lifespan is None:
                self._lifespan = Lifespan(self.app, loop, self.lifespan_mode)
                atexit.register(self.close)
            self._lifespan.startup()  # re-raises a remembered failure on later invocations
        self._loop = loop
        self._starting = False

    def close(self) -> None:
        """Run the ASGI lifespan shutdown (once); safe to call more than once."""
        if self._lifespan is not None:
            self._lifespan.shutdown()


def _no_shortcut(event, context) -> None:
    return None  # the ASGI driver (and asyncio) load with the first request: _start_asgi arms it


def _request_id(event, context) -> str:
    request_id = getattr(context, "aws_request_id", None)
    if request_id:
        return request_id
    rc = event.get("requestContext") if isinstance(event, dict) else None
    return (rc or {}).get("requestId") or "-"


def _payload_size(result: dict) -> int:
    import json

    # awslambdaric's marshaller: json.dumps(ensure_ascii=False) then UTF-8 (lambda_runtime_marshaller.py)
    return len(json.dumps(result, ensure_ascii=False).encode("utf-8"))
