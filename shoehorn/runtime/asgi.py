"""ASGI driver: Request -> HTTP scope -> app -> Response, on one event loop per container.

``scope["path"]`` is the FULL path, starting with ``root_path`` (what uvicorn does; Starlette
builds ``request.url`` from it and strips ``root_path`` for routing), ``raw_path`` likewise and
still percent-encoded. After the body, ``receive()`` blocks until the response is complete
and only then says ``http.disconnect``: answering it at once cuts a Starlette
StreamingResponse short (measured; adapter-anchors 43).
"""

from __future__ import annotations

import asyncio
import sys
from operator import methodcaller
from asyncio import events as _events

from shoehorn.runtime.events import client_address, rest, server_and_scheme
from shoehorn.runtime.types import Request, Response

_ASGI = {"version": "3.0", "spec_version": "2.4"}


def _encode(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:  # API Gateway hands us decoded UTF-8 text
        return text.encode("utf-8", "surrogateescape")


def _header_bytes(headers) -> list:
    try:
        return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    except UnicodeEncodeError:
        return [(_encode(k), _encode(v)) for k, v in headers]


def build_scope(request: Request, event: dict, context, state: dict | None) -> dict:
    root = request.root_path
    scope = {
        "type": "http",
        "asgi": _ASGI,
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": root + request.path if root else request.path,
        "raw_path": root.encode("utf-8", "surrogateescape") + request.raw_path if root else request.raw_path,
        "query_string": request.query_string,
        "root_path": root,
        "headers": _header_bytes(request.headers),
        "client": request.client,
        "server": request.server,
        "aws.event": event,
        "aws.context": context,
    }
    if state is not None:
        scope["state"] = state.copy()  # ASGI spec: a shallow copy per request
    return scope


# The header names of an event, as spelled and in order -> (their lower-case bytes, whether
# Cookie or Content-Length is among them); False when two names differ only in case (parse()
# merges those). Clients send the same few sets of names.
_SHAPES: dict[tuple, tuple | bool] = {}
_LATIN1 = methodcaller("encode", "latin-1")


def _scope_keys(names: tuple):
    keys = tuple([name.lower().encode("latin-1") for name in names])
    found = (keys, b"cookie" in keys or b"content-length" in keys) if len(set(keys)) == len(keys) else False
    if len(_SHAPES) < 256:  # bounded: header names come from clients
        _SHAPES[names] = found
    return found


def rest_scope(event: dict, context) -> tuple[dict, bytes] | None:
    """``prepare(rest.parse(event))`` in one step for the commonest REST event, or None.

    The same scope, header order included (Cookie, then Content-Length, last), built without
    the intermediate Request and with the headers converted in bulk (see wsgi.rest_environ);
    tests/runtime/test_shortcuts.py holds both ways equal.
    """
    common = rest.common(event)
    if common is None:
        return None
    method, prefix, path, query, body, headers, rc = common
    names = tuple(headers)
    shape = _SHAPES.get(names)
    if shape is None:
        try:
            shape = _scope_keys(names)
        except UnicodeEncodeError:  # a name outside latin-1: parse() copes
            return None
    if shape is False:
        return None
    keys, special = shape
    lowered = dict(zip(keys, headers.values()))
    cookie = None
    if special:
        cookie = lowered.pop(b"cookie", None)
        lowered.pop(b"content-length", None)  # API Gateway's own is not the body's (see collect_headers)
    try:
        pairs = list(zip(lowered, map(_LATIN1, lowered.values())))
        if cookie:
            pairs.append((b"cookie", cookie.encode("latin-1")))
    except (AttributeError, UnicodeEncodeError):  # a null value, or text outside latin-1
        return None
    if body:
        pairs.append((b"content-length", str(len(body)).encode("latin-1")))
    get = lowered.get
    scheme, server = server_and_scheme(
        get(b"host"), get(b"x-forwarded-proto"), get(b"x-forwarded-port"), rc.get("domainName"), "https"
    )
    full = prefix + path if prefix else path
    scope = {
        "type": "http",
        "asgi": _ASGI,
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": full,
        "raw_path": full.encode("ascii"),
        "query_string": query,
        "root_path": prefix,
        "headers": pairs,
        "client": client_address((rc.get("identity") or {}).get("sourceIp")),
        "server": server,
        "aws.event": event,
        "aws.context": context,
    }
    return scope, body


class _Cycle:
    """One request/response exchange: ``receive`` and ``send`` for the app."""

    __slots__ = ("body", "status", "headers", "chunks", "body_out", "done", "_sent_request", "_loop")

    def __init__(self, body: bytes, loop) -> None:
        self.body = body
        self.status = None
        self.headers = None
        self.chunks: list[bytes] | None = []  # None once the response is complete
        self.body_out = b""
        self.done = None  # future created only if the app calls receive() twice
        self._sent_request = False
        self._loop = loop

    async def receive(self) -> dict:
        if not self._sent_request:
            self._sent_request = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if self.chunks is not None:  # response not complete yet: wait for it
            if self.done is None:
                self.done = self._loop.create_future()
            await self.done
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            if self.status is None:
                raise RuntimeError("ASGI app sent http.response.body before http.response.start")
            if self.chunks is None:
                return  # response already complete; extra sends are ignored like a closed socket
            chunk = message.get("body")
            if chunk:
                self.chunks.append(chunk)
            if not message.get("more_body"):
                self._finish()
        elif kind == "http.response.start":
            if self.status is not None:
                raise RuntimeError("ASGI app sent http.response.start twice")
            self.status = message["status"]
            self.headers = message.get("headers") or ()

    def _finish(self) -> None:
        chunks = self.chunks
        self.body_out = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self.chunks = None
        if self.done is not None and not self.done.done():
            self.done.set_result(None)

    @property
    def complete(self) -> bool:
        return self.chunks is None


def new_loop():
    """The container's event loop: created once, reused by every invocation (never asyncio.run
    per request, which would also close connection pools created at startup)."""
    return asyncio.new_event_loop()


def run(app, request: Request, event: dict, context, loop, state: dict | None) -> Response:
    """Drive the ASGI app through one request; raise if it fails before finishing the response."""
    return call(app, build_scope(request, event, context, state), request.body, loop)


def prepare(request: Request, event: dict, context) -> tuple[dict, bytes]:
    """(scope, body) for one request; the handler adds the lifespan state."""
    return build_scope(request, event, context, None), request.body


def call(app, scope: dict, body: bytes, loop) -> Response:
    """Drive the ASGI app through one request; raise if it fails before finishing the response.

    An error AFTER the response completed (e.g. a background task) keeps the response, like
    a real server that already sent it; the caller logs it (mangum does the same).
    """
    cycle = _Cycle(body, loop)
    try:
        run_until_complete(loop, app(scope, cycle.receive, cycle.send))
    except BaseException as exc:
        if not cycle.complete:
            raise
        if not isinstance(exc, Exception):
            raise
        response = _response(cycle)
        raise ResponseThenError(response) from exc
    if not cycle.complete:
        if cycle.status is None:
            raise RuntimeError("the ASGI app returned without sending a response")
        cycle._finish()  # app returned mid-stream: send what it produced
    return _response(cycle)


# The asyncio internals the stepping below relies on (CPython 3.11-3.13); without any of them,
# every request takes the plain run_until_complete.
_STEPPABLE = (
    hasattr(_events, "_set_running_loop")
    and hasattr(asyncio.Handle, "_run")
    and hasattr(asyncio.Handle, "_cancelled")
    and hasattr(asyncio.BaseEventLoop, "_asyncgen_firstiter_hook")
    and hasattr(asyncio.BaseEventLoop, "_asyncgen_finalizer_hook")
)


def run_until_complete(loop, coro):
    """``loop.run_until_complete(coro)``, minus the loop's fixed cost when nothing waits.

    Most requests never wait for I/O: the app's task runs to its end on the callbacks already
    queued. ``run_until_complete`` still enters ``run_forever`` and polls the selector (an
    ``epoll_wait`` syscall) for every request, about 7 µs, a third of a small Starlette
    request. So the task runs on the ready queue with this loop set as the running one (the
    same steps, in the same order, that ``_run_once`` takes); only a task that really waits
    (I/O, a timer, a thread) hands over to ``run_until_complete``, which finishes it exactly
    as before. The task is a real ``asyncio.Task`` in its own context, so ``current_task()``,
    contextvars and anyio behave as under a running loop. A loop without a ready queue
    (uvloop) always takes the plain path.
    """
    ready = getattr(loop, "_ready", None) if _STEPPABLE else None
    if ready is None or loop.is_running() or _events._get_running_loop() is not None:
        return loop.run_until_complete(coro)
    task = loop.create_task(coro)
    hooks = sys.get_asyncgen_hooks()
    # as run_forever does, so async generators started here are finalized by this loop
    sys.set_asyncgen_hooks(firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook)
    _events._set_running_loop(loop)
    try:
        while ready and not task.done():
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()
    finally:
        _events._set_running_loop(None)
        sys.set_asyncgen_hooks(*hooks)
    if not task.done():
        return loop.run_until_complete(task)
    return task.result()


def _response(cycle: _Cycle) -> Response:
    headers = tuple(
        [(k.decode("latin-1"), v.decode("latin-1")) for k, v in cycle.headers]
    )
    return Response(cycle.status, headers, cycle.body_out)


class ResponseThenError(Exception):
    """The app completed its response and then raised; ``response`` is still valid."""

    def __init__(self, response: Response) -> None:
        super().__init__("the ASGI app raised after completing its response")
        self.response = response
