"""The emulated API Gateway in front of the local containers (a Starlette app).

Each HTTP request becomes the event the chosen source sends (``shoehorn.gateway``,
the same builder ``shoehorn.testing`` and ``shoehorn invoke`` use), the pool
invokes the function, and the proxy response goes back as HTTP. What the real
gateway enforces is enforced here too: the 29 s integration timeout, the 10 MB
request payload, the stage prefix of execute-api URLs, and 502 for a malformed
proxy response (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).

A warm invocation runs in the request's own task on the front's event loop
(``Pool.invoke_async``): no thread between a request and its container, whose hand-over
and wake-ups cost more than the front's own work.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from email.utils import formatdate
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from shoehorn import gateway
from shoehorn.gateway.rest import METHODS as REST_METHODS
from shoehorn.local.containers import Crashed, TimedOut
from shoehorn.local.logs import LambdaLog, Report, read_only_hint
from shoehorn.local.off_stage import redirect_off_stage
from shoehorn.local.pool import GaveUp, PayloadTooLarge, StartFailed, Throttled
from shoehorn.local.readonly import SQLITE_REFUSED
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Succeeded

SOURCES = gateway.SOURCES
# REST API's: its maximum integration timeout (default quota) and payload quota (10 MB)
INTEGRATION_TIMEOUT_S = gateway.errors("rest").timeout_s
MAX_REQUEST_BYTES = gateway.errors("rest").max_request_bytes


# What each front answers when the function fails, times out, is throttled or the request is
# too big: one module per source in shoehorn.gateway.
ERRORS = {source: gateway.errors(source) for source in SOURCES}

Invoke = Callable[..., Awaitable[tuple]]  # Pool.invoke_async: (event, wait_s=) -> (outcome, report)


def _respond(error: gateway.GatewayError) -> Response:
    return Response(error.body, status_code=error.status, media_type=error.content_type)


def _why(outcome: object) -> str:
    match outcome:
        case FunctionFailed(error_type=kind, message=message):
            return f"function error {kind}: {_first_line(message, 'its request id')}"
        case InitFailed(error_type=kind, message=message):
            # one line: the runtime client has already logged the error whole under INIT (as CloudWatch
            # shows it). A message holding the app's traceback (a failed ASGI lifespan startup's, as
            # Starlette sends it) printed here too showed it twice for every container that failed.
            return f"function init failed {kind}: {_first_line(message, 'INIT')}"
        case TimedOut(seconds=seconds):
            return f"Task timed out after {seconds:.2f} seconds"
        case Crashed(exit_code=code):
            return f"the container exited mid-request (exit code {code}): Runtime.ExitError"
        case PayloadTooLarge(size=size):
            return f"the event is {size} bytes: Lambda refuses invocation payloads over 6 MB (RequestEntityTooLargeException)"
        case StartFailed(reason=reason):
            return f"no container could start: {reason} (a bundle deleted under a running session? restart it)"
        case Throttled(limit=limit):
            return (f"throttled: all {limit} containers are busy (concurrency limit)" if limit != 1
                    else "throttled: its one container is busy (concurrency limit)")
    return f"unexpected outcome {outcome!r}"


def _first_line(message: str, logged_under: str) -> str:
    """A function error's message on one gateway line; the rest is in the log the runtime wrote."""
    first, _, rest = message.strip().partition("\n")
    return f"{first} (in full above, under {logged_under})" if rest.strip() else first


def _read_only(outcome: object) -> bool:
    # an OSError, or the guard's refusal of a SQLite database created there (starlette-admin's blog.db)
    return (isinstance(outcome, (InitFailed, FunctionFailed))
            and ("Read-only file system" in outcome.message or SQLITE_REFUSED in outcome.message))


def _port(host: str | None, server: tuple | None) -> str:
    """The port the client connected to: its Host header's, else the server's own ("80" when neither says)."""
    if host is None:
        return str(server[1]) if server and server[1] else "80"
    _, colon, port = host.rpartition(":")
    return port if colon and port.isdigit() else "80"


def _served_over(event: dict, scheme: str, port: str) -> dict:
    """Say how the request really arrived (plain http on a local port), not execute-api's https:443.

    Otherwise every absolute URL the app builds (redirects, ``url_for(_external=True)``) points at
    https://127.0.0.1:8000, which nothing answers; SAM local does the same.
    """
    single, multi = event.get("headers") or {}, event.get("multiValueHeaders") or {}
    # the front's own headers, as shoehorn.gateway spells them: REST keeps "X-Forwarded-Proto", the
    # other sources send lower case (a client's own X-Forwarded-Proto/-Port never gets this far)
    for names, value in (_PROTO, scheme), (_PORT, port):
        for name in names:
            if name in single:
                single[name] = value
            if name in multi:
                multi[name] = [value]
    return event


_PROTO, _PORT = ("X-Forwarded-Proto", "x-forwarded-proto"), ("X-Forwarded-Port", "x-forwarded-port")


def http_response(status: int, headers: list[tuple[str, str]], content: bytes, *, head: bool = False) -> Response:
    """The function's proxy response as HTTP, headers as the function sent them (local cloud too),
    framed by the front: a Content-Length that is not the body's is replaced (it would cut the
    body short or hang the client). Answers that carry no body (HEAD, 1xx, 204, 304) keep the
    function's Content-Length, and get none of their own."""
    response = Response(content, status_code=status)
    # values are trimmed and free of CR/LF (gateway.read_response); beyond latin-1, UTF-8
    raw = [(k.lower().encode("latin-1"), _field_bytes(v)) for k, v in headers]
    raw = [(k, v) for k, v in raw if k != b"transfer-encoding"]
    if not (head or status < 200 or status in (204, 304)):
        length = str(len(content)).encode()
        raw = [(k, v) for k, v in raw if k != b"content-length" or v == length]
        if not any(k == b"content-length" for k, _ in raw):
            raw.append((b"content-length", length))
    response.raw_headers = raw
    return response


@functools.lru_cache(maxsize=1)
def _http_date(second: int) -> bytes:
    return formatdate(second, usegmt=True).encode()  # the same for every answer within a second


class Dated:
    """Every answer carries one Date, as API Gateway's do: the function's own, else now. (uvicorn's
    date_header would add a second one next to the function's, and its Server header API Gateway
    does not send.)"""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def dated(message) -> None:
            if message["type"] == "http.response.start" and not any(k.lower() == b"date" for k, _ in message["headers"]):
                message = {**message, "headers": [*message["headers"], (b"date", _http_date(int(time.time())))]}
            await send(message)

        await self.app(scope, receive, dated)


async def read_body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes | None:
    """The body, or None past ``limit`` bytes (read no further than needed)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _field_bytes(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def create_app(
    invoke: Invoke,
    log: LambdaLog,
    *,
    source: str = "rest",
    stage: str = "dev",
    integration_timeout: float | None = None,  # the source's own (gateway), e.g. 29 s for REST
    multi_value: bool = False,  # alb: the target group's lambda.multi_value_headers.enabled
    left_out: Callable[[], tuple[str, ...]] = tuple,  # the app paths the running bundle did not ship
) -> Starlette:
    errors = ERRORS[source]
    if integration_timeout is None:
        integration_timeout = errors.timeout_s  # None: the function's own timeout ends the wait
    hinted_method: list[bool] = []

    async def endpoint(request: Request) -> Response:
        began = time.perf_counter()
        response, report = await answer(request)  # report: when a container ran the request
        log.access(request.method, request.scope["path"], response.status_code, (time.perf_counter() - began) * 1000,
                   None if report is None else report.init_duration_ms is not None,
                   init_ms=None if report is None else report.init_duration_ms)
        return response

    async def answer(request: Request) -> tuple[Response, Report | None]:
        scope = request.scope
        method, path = scope["method"], scope["path"]
        if errors.no_stage and not (path == f"/{stage}" or path.startswith(f"/{stage}/")):
            # execute-api answers an unknown stage with 403 before any integration runs.
            log.gateway(f"{method} {path}: not under the stage /{stage} → 403 (execute-api URLs start with it: /{stage}{path})")
            return _respond(errors.no_stage), None
        if errors.methods is not None and method not in errors.methods:
            log.gateway(f"{method} {path}: not a method API Gateway's REST API forwards → {errors.no_method.status}, "
                        "the function is not called")
            if not hinted_method:
                hinted_method.append(True)  # once a session: a WebDAV client sends many
                log.hint(unforwarded_method(method))
            return _respond(errors.no_method), None
        body = await read_body(request, errors.max_request_bytes)
        if body is None:
            log.gateway(f"{method} {path}: request payload over {errors.max_request_bytes} bytes → 413")
            return _respond(errors.too_large), None
        headers = gateway.request_headers(scope["headers"])
        host = next((value for name, value in headers if name.lower() == "host"), None)
        event = gateway.build_event(
            source,
            method,
            scope.get("raw_path", path.encode()).decode("latin-1"),  # still percent-encoded
            scope.get("query_string", b""),
            headers,
            body,
            stage=stage,
            host=host,
            client_ip=scope["client"][0] if scope.get("client") else "127.0.0.1",
            multi_value=multi_value,
        )
        _served_over(event, scope["scheme"], _port(host, scope.get("server")))
        try:
            # the gateway waits up to its integration timeout; the function runs on after it (Pool.invoke_async)
            outcome, report = await invoke(event, wait_s=integration_timeout)
        except asyncio.CancelledError:
            # uvicorn stops (Ctrl-C, SIGTERM) and cancels what is still running after its grace
            # period; the containers are stopped next. The client gets what API Gateway answers
            # when the function dies mid-request, rather than a dropped connection it may retry
            # or uvicorn's own 500 and a traceback.
            log.gateway(f"{method} {path}: shoehorn is stopping and the function was still running → "
                        f"{errors.failed.status}")
            return _respond(errors.failed), None
        if isinstance(outcome, GaveUp):
            log.gateway(f"{method} {path}: integration timed out after {integration_timeout:g} s → "
                        f"{errors.timeout.status}")
            return _respond(errors.timeout), None
        if isinstance(outcome, Throttled):
            log.gateway(f"{method} {path}: {_why(outcome)}")
            return _respond(errors.throttled), report
        if not isinstance(outcome, Succeeded):
            log.gateway(f"{method} {path}: {_why(outcome)}")
            if _read_only(outcome):  # said once a session: every request retries the init and fails alike
                log.hint(read_only_hint(outcome.message))
            if isinstance(outcome, (InitFailed, FunctionFailed)):
                from shoehorn.bundle.check import left_out_file

                shipped_not = left_out_file(outcome.message, left_out())  # (pypiserver's .htpasswd)
                if shipped_not:
                    log.hint(f"hint: {shipped_not}")
            return _respond(errors.failed), report
        try:
            status, response_headers, content = gateway.read_response(source, json.loads(outcome.payload))
        except (ValueError, gateway.MalformedResponse) as malformed:
            log.gateway(f"{method} {path}: malformed Lambda proxy response: {malformed}")
            return _respond(errors.failed), report
        if errors.no_stage:  # REST: a redirect out of the stage ends in the 403 above, which names no app
            off = redirect_off_stage(stage, path, status, response_headers, host)
            if off:
                log.hint(off)
        return http_response(status, response_headers, content, head=method == "HEAD"), report

    # every method reaches `answer` when the source says which it forwards (REST), else the usual seven
    route = Route("/{path:path}", EveryMethod(endpoint)) if errors.methods is not None else \
        Route("/{path:path}", endpoint, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    return Starlette(routes=[route, _refused_websockets(log, source)], middleware=[Middleware(Dated)])


class EveryMethod:
    """A request -> response endpoint as an ASGI app, which a Starlette Route calls for any method (given a
    function, Route answers 405 to any method outside its list, and lists GET alone by default)."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope, receive, send) -> None:
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


def unforwarded_method(method: str) -> str:
    """What to know about an app that needs a method a REST API does not forward (shared with the local cloud)."""
    allowed = ", ".join(sorted(REST_METHODS))
    return (f"{method} never reaches the function behind API Gateway's REST API, which `shoehorn up` deploys: its ANY "
            f"method forwards only {allowed}, and AWS answers any other method 403 \"Missing Authentication Token\". "
            "An app whose clients need such methods (WebDAV, CalDAV, CardDAV: PROPFIND, REPORT, MKCOL...) cannot be "
            "served through it; those clients need a server that accepts them")


# None of the sources hands a WebSocket to a Lambda function (API Gateway's WebSocket APIs are
# another kind of API, which shoehorn does not create): refused with HTTP 403, said once a connection.
_NO_WEBSOCKETS = {"rest": "API Gateway's REST API", "http": "API Gateway's HTTP API",
                  "url": "a Lambda function URL", "alb": "an ALB target group of a Lambda function"}


def _refused_websockets(log: LambdaLog, source: str) -> WebSocketRoute:
    async def refuse(websocket) -> None:
        log.gateway(f"WebSocket {websocket.url.path}: refused (HTTP 403): {_NO_WEBSOCKETS[source]} does not carry "
                    "WebSockets, so the deployed app answers them 404")
        await websocket.close()  # before accepting: uvicorn answers the handshake 403

    return WebSocketRoute("/{path:path}", refuse)
