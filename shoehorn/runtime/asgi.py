"""ASGI driver: Request -> HTTP scope -> app -> Response, on one event loop per container.

``scope["path"]`` is the FULL path, starting with ``root_path`` (what uvicorn does; Starlette
builds ``request.url`` from it and strips ``root_path`` for routing), ``raw_path`` likewise and
still percent-encoded. After the body, ``receive()`` blocks until the response is complete
and only then says ``http.disconnect``: answering it at once cuts a Starlette
StreamingResponse short (measured; adapter-anchors 43).
"""

from __future__ import annotations

import asyncio
import selectors

from shoehorn.runtime import answer
from shoehorn.runtime.errors import AppError
from shoehorn.runtime.log import log, request_id
from shoehorn.runtime.namesets import PerNameSet
from shoehorn.runtime.types import Request, Response

_ASGI = {"version": "3.0", "spec_version": "2.4"}


# A Request's header names -> the same as bytes (names are HTTP tokens).
_BYTE_NAMES = PerNameSet(lambda names: tuple([name.encode("ascii") for name in names]))


def build_scope(request: Request, event: dict, context, state: dict | None) -> dict:
    # the fields in their order (Request is a tuple): one step, where each name is a call
    method, root, path, raw, query, names, values, _, scheme, server, client, _ = request
    last, byte_names = _BYTE_NAMES.last  # a reader hands on the same names tuple for a known set
    if names is not last:
        byte_names = _BYTE_NAMES.lookup(names)
    scope = {
        "type": "http",
        "asgi": _ASGI,
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": root + path,
        # root arrived from API Gateway decoded, so it goes back as UTF-8 (ASCII stays as it is)
        "raw_path": root.encode() + raw if root else raw,
        "query_string": query,
        "root_path": root,
        # str.encode() is UTF-8: ASCII as is, other text as the bytes the WSGI driver shows as latin-1
        "headers": list(zip(byte_names, map(str.encode, values))),
        "client": client,
        "server": server,
        "aws.event": event,
        "aws.context": context,
    }
    if state is not None:
        scope["state"] = state.copy()  # ASGI spec: a shallow copy per request
    return scope


# Response header names as bytes -> as str; bounded in bytes (names of at most 64 bytes, 256 of
# them): apps may send any names.
_NAMES: dict[bytes, str] = {}


def _name(name: bytes) -> str:
    text = name.decode("latin-1")
    if len(name) <= 64 and len(_NAMES) < 256:
        _NAMES[name] = text
    return text


class AsgiDriver:
    """One ASGI app on the container's event loop, with its lifespan (once per container)."""

    def __init__(self, app, lifespan: str) -> None:
        self.app = app
        self.lifespan_mode = lifespan
        self.loop = None
        self.selector = None
        self.lifespan = None

    def start(self) -> None:
        """The loop and the lifespan startup; a failed startup raises here, on every call."""
        if self.loop is None:
            self.loop, self.selector = new_loop()
        if self.lifespan_mode != "off":
            if self.lifespan is None:
                import atexit

                from shoehorn.runtime.lifespan import Lifespan

                self.lifespan = Lifespan(self.app, self.loop, self.lifespan_mode)
                atexit.register(self.close)
            self.lifespan.startup()  # once; a remembered failure is raised again

    def __call__(self, request: Request, event: dict, context) -> Response:
        """One request through the app on the container's loop.

        AppError when the app raises before finishing its response, or answers something HTTP
        cannot carry. An error AFTER the response completed (e.g. a background task) keeps the
        response, like a real server that already sent it, and is logged (mangum does the same).
        """
        lifespan = self.lifespan
        scope = build_scope(request, event, context, None if lifespan is None else lifespan.state)
        cycle = _Cycle()
        cycle.body = request.body
        cycle.chunks = []
        cycle.loop = loop = self.loop
        try:
            run_until_complete(loop, self.app(scope, cycle.receive, cycle.send), self.selector)
        except KeyboardInterrupt:
            raise  # Ctrl-C still stops a local run (Lambda sends no SIGINT)
        except BaseException as exc:  # CancelledError, SystemExit too, as uvicorn: the handler never raises
            if cycle.chunks is not None:  # the response is not complete
                raise AppError("the app raised") from exc
            log().error("the app raised after completing its response to request %s", request_id(event, context), exc_info=exc)
        if cycle.chunks is not None:
            if cycle.status is None:
                raise AppError("the ASGI app returned without sending a response")
            cycle.finish()  # app returned mid-stream: send what it produced
        try:
            headers = [(_NAMES.get(name) or _name(name), value.decode("latin-1")) for name, value in cycle.headers]
        except (AttributeError, TypeError, ValueError) as exc:
            raise AppError(f"the app sent the response headers {cycle.headers!r:.200}; ASGI wants (name, value) byte strings") from exc
        return answer.response(cycle.status, headers, cycle.body_out)

    def close(self) -> None:
        """The lifespan shutdown (once); safe to call more than once."""
        if self.lifespan is not None:
            self.lifespan.shutdown()


def run(app, request: Request, event: dict, context, loop) -> Response:
    """One request through ``app`` on ``loop``, lifespan off: ``AsgiDriver`` for tests."""
    driver = AsgiDriver(app, "off")
    driver.loop = loop
    return driver(request, event, context)


def new_loop() -> tuple[asyncio.AbstractEventLoop, SkipOnePoll | None]:
    """The container's event loop, and the selector ``run_until_complete`` may tell to skip a
    poll: asyncio's own selector loop, unless the app chose another kind of loop (uvloop's
    policy, say), which is then respected (and no poll is skipped). Asked of new_event_loop()
    rather than of the loop policy, whose API is deprecated from Python 3.14."""
    loop = asyncio.new_event_loop()
    if type(loop) is not asyncio.SelectorEventLoop:
        return loop, None
    loop.close()
    selector = SkipOnePoll()
    return asyncio.SelectorEventLoop(selector), selector


class SkipOnePoll(selectors.DefaultSelector):
    """The platform's selector, whose next zero-timeout poll can be skipped once.

    The one pass of ``run_until_complete`` starts by polling for I/O with a zero timeout, a
    system call (epoll_wait) that measured 0.9 us of the ~11 us Starlette pays per request in
    bench/adapter.py. Skipping that one poll loses nothing: whatever became ready is seen by
    the next poll, and an app that waits for I/O goes on in ``loop.run_until_complete``,
    which polls as usual."""

    skip_next = False

    def select(self, timeout=None):
        if self.skip_next:
            self.skip_next = False
            if timeout == 0:
                return []
        return super().select(timeout)


def run_until_complete(loop, coro, selector: SkipOnePoll | None = None):
    """``loop.run_until_complete(coro)``, in one pass over the loop when nothing waits.

    Most requests never wait for I/O: the app's task runs to its end in its first step.
    ``loop.stop()`` before ``run_forever()`` runs exactly one pass over what is scheduled
    (asyncio docs, AbstractEventLoop.stop), where ``run_until_complete`` takes two (the second
    runs its done-callback, polling the selector again). A task still waiting after the pass
    (I/O, a timer, a thread) is finished by ``run_until_complete``. ``selector``, the loop's
    (see ``new_loop``), skips the pass's I/O poll.
    """
    # what loop.create_task does when no task factory is set, minus its Python-level wrapper
    task = asyncio.Task(coro, loop=loop) if loop.get_task_factory() is None else loop.create_task(coro)
    if selector is not None:
        selector.skip_next = True
    loop.stop()
    loop.run_forever()
    if not task.done():
        return loop.run_until_complete(task)
    return task.result()


class _Cycle:
    """One request/response exchange: ``receive`` and ``send`` for the app.

    No __init__ (a Python-level call is a measurable share of a small request): the driver
    sets ``body``, ``chunks`` (None once the response is complete) and ``loop``; the others
    start as the class holds them."""

    status = None
    headers = None
    body_out = b""
    done = None  # future created only if the app calls receive() twice
    sent_request = False

    async def receive(self) -> dict:
        if not self.sent_request:
            self.sent_request = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if self.chunks is not None:  # response not complete yet: wait for it
            if self.done is None:
                self.done = self.loop.create_future()
            await self.done
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            if self.status is None:
                raise RuntimeError("ASGI app sent http.response.body before http.response.start")
            chunks = self.chunks
            if chunks is None:
                return  # response already complete; extra sends are ignored like a closed socket
            chunk = message.get("body", b"")
            if chunk:
                if not isinstance(chunk, (bytes, bytearray)):
                    raise TypeError(f"ASGI app sent a body of type {type(chunk).__name__}; ASGI wants bytes")
                chunks.append(chunk)
            elif chunk != b"":  # None, ""
                raise TypeError(f"ASGI app sent a body of type {type(chunk).__name__}; ASGI wants bytes")
            if not message.get("more_body"):
                self.finish()
        elif kind == "http.response.start":
            if self.status is not None:
                raise RuntimeError("ASGI app sent http.response.start twice")
            self.status = message["status"]
            self.headers = message.get("headers") or ()
        else:  # no extension is offered in the scope: any other message is the app's mistake (uvicorn raises too)
            raise RuntimeError(f"ASGI app sent a message of type {kind!r}; an HTTP response is http.response.start and .body")

    def finish(self) -> None:
        """The response is complete: ``chunks`` becomes None, ``body_out`` the body."""
        self.body_out = b"".join(self.chunks)  # one bytes chunk: join returns it, no copy
        self.chunks = None
        if self.done is not None and not self.done.done():
            self.done.set_result(None)
