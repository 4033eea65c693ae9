"""adapt(app) -> handler(event, context): the request path, in one sentence.

    find_source(event) -> source.read(event) -> Request -> driver(request) -> Response
        -> source.render(response, event)

and one ending for everything that goes wrong: a malformed event is a 400 (logged as a bad
event), an app that raises or answers what HTTP cannot carry a 500 (logged with the request
id, traceback never sent), a response over the source's payload limit a 502 that says why
(instead of Lambda's opaque error), and shoehorn's own bug a 500 logged as "shoehorn bug".
For an HTTP-shaped event the handler never raises (except a failing ASGI lifespan startup,
which must be loud); any other event is NotHttpEvent.
"""

from __future__ import annotations

from shoehorn.runtime import command, deadline
from shoehorn.runtime.errors import AppError, MalformedEvent, NotHttpEvent, UnknownInterface
from shoehorn.runtime.events import find_source
from shoehorn.runtime.interface import detect_interface, refuse_not_web_app
from shoehorn.runtime.log import log, request_id
from shoehorn.runtime.payload import over_limit
from shoehorn.runtime.types import Response

__all__ = ["LambdaHandler", "UnknownInterface", "adapt", "detect_interface"]

# The keep-warm ping (the schedule in deploy/resources/schedule.py sends it): answered at once.
WARM_EVENT = {"shoehorn": "warm"}

_TEXT = (("content-type", "text/plain; charset=utf-8"),)


def _plain(status: int, text: str) -> Response:
    return Response(status, _TEXT, text.encode("utf-8"))


BAD_REQUEST = _plain(400, "Bad Request")
SERVER_ERROR = _plain(500, "Internal Server Error")


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
    else:  # forcing the interface is no way to drive a Lambda handler, or an app of its own server, as an app
        refuse_not_web_app(app)
    return LambdaHandler(app, interface, lifespan)


class LambdaHandler:
    """The callable Lambda invokes: ``handler(event, context) -> dict``."""

    def __init__(self, app, interface: str, lifespan: str) -> None:
        self.app = app
        self.interface = interface
        self.lifespan_mode = lifespan
        self._asgi = None
        if interface == "wsgi":
            from shoehorn.runtime import wsgi

            self._drive = wsgi.WsgiDriver(app)
            self.started = True
        else:
            from shoehorn.runtime import asgi, root_path  # asyncio loads for ASGI apps only

            self._asgi = asgi.AsgiDriver(root_path.fitted(app), lifespan)
            self._drive = self._asgi
            self.started = False

    def start(self) -> None:
        """Once per container, before the first request: the ASGI app's event loop and its
        lifespan startup. The first request calls it; call it at init to start earlier.
        A failed startup raises here, and again (in one line: lifespan.py) on every later request."""
        if self._asgi is not None:
            self._asgi.start()
        self.started = True

    def __call__(self, event, context=None) -> dict:
        # Events that are not HTTP requests are those no source detects (every detect() looks for
        # keys API Gateway, Function URLs and ALB always write): the keep-warm ping, `shoehorn
        # run`'s command event (any other non-HTTP kind joins them), else NotHttpEvent.
        source = find_source(event)
        if source is None:
            if event == WARM_EVENT:
                return {"shoehorn": "warm", "ok": True}  # the app is not called
            if command.is_command(event):  # `shoehorn run`: only ever a direct invoke, never an HTTP shape
                return command.run(event, context)
            raise _not_http(event)
        if not self.started:
            self.start()
        deadline.arm(context)  # a request still running a second before the timeout logs where it waits
        try:
            try:
                request = source.read(event)
            except Exception as exc:  # noqa: BLE001 — a bad event, whatever read() tripped on
                response = _bad_event(exc, source, event, context)
            else:
                try:
                    response = self._drive(request, event, context)
                except AppError as exc:
                    response = _app_failed(exc, event, context)
            return over_limit(source.render(response, event), source, event, context)
        except Exception:  # noqa: BLE001 — the handler never raises for an HTTP request
            log().exception("shoehorn bug while handling request %s; answering 500", request_id(event, context))
            try:
                return source.render(SERVER_ERROR, event)
            except Exception:  # noqa: BLE001
                return {"statusCode": 500, "body": "Internal Server Error"}
        finally:
            deadline.disarm()

    def close(self) -> None:
        """Run the ASGI lifespan shutdown (once); safe to call more than once."""
        if self._asgi is not None:
            self._asgi.close()


def _bad_event(exc: Exception, source, event, context) -> Response:
    if isinstance(exc, MalformedEvent):
        log().warning("400 for request %s: %s", request_id(event, context), exc.message)
    else:
        log().warning(
            "400 for request %s: the %s event has fields of an unexpected type",
            request_id(event, context),
            source.NAME,
            exc_info=True,
        )
    return BAD_REQUEST


def _app_failed(exc: AppError, event, context) -> Response:
    cause = exc.__cause__
    if cause is not None:
        log().error("the app raised while handling request %s", request_id(event, context), exc_info=cause)
    else:
        log().error("the app's answer to request %s cannot be sent: %s", request_id(event, context), exc.message)
    return SERVER_ERROR


def _not_http(event) -> NotHttpEvent:
    seen = sorted(map(str, event)) if isinstance(event, dict) else type(event).__name__
    return NotHttpEvent(
        f"shoehorn received an event that is not an HTTP request (keys seen: {seen}); it "
        "understands API Gateway REST/HTTP APIs, Function URLs and ALB events",
        "invoke this function through its HTTP endpoint, or route other event sources "
        "(S3, SQS, schedules...) to a separate function",
    )
