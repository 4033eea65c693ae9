"""The Lambda Runtime API, served by shoehorn for ONE local container.

awslambdaric talks to it exactly as it talks to Lambda's own endpoint
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): it long-polls
``invocation/next``, then posts ``/response`` or ``/error``; a failed import posts
``/init/error``. One endpoint per container keeps the mapping container <-> request
trivial (Lambda also gives each execution environment its own endpoint).

No server thread: whoever invokes the container serves the endpoint itself while it waits (a
selector over the listening socket and the runtime's connections). It answers the parked
``next`` with the event and reads the ``/response`` straight off the socket, so a warm
invocation costs two socket writes and two reads, with no hand-over between threads (which
cost more than the rest of the round trip together). ``serve`` waits by blocking the calling
thread; ``serve_async`` waits on the running asyncio loop (the gateway front's), for the
selector's own file descriptor to turn readable. The runtime is the only client, so the HTTP
spoken is the small subset it uses: requests with a Content-Length, answered in one write each.
"""

from __future__ import annotations

import asyncio
import json
import re
import selectors
import socket
import time
from dataclasses import dataclass
from typing import Callable, Union

PREFIX = "/2018-06-01/runtime"
# Lambda's synchronous response payload limit (6 MB); the Runtime API answers 413 past it
# ("Exceeded maximum allowed payload size (6291556 bytes)", runtimes-api.html).
MAX_RESPONSE_BYTES = 6_291_556


@dataclass(frozen=True, slots=True)
class Invocation:
    request_id: str
    event: bytes  # the JSON event, as Lambda hands it to the runtime
    deadline_ms: int  # epoch milliseconds
    function_arn: str
    trace_id: str
    client_context: str | None = None
    cognito_identity: str | None = None


@dataclass(frozen=True, slots=True)
class Succeeded:
    payload: bytes


@dataclass(frozen=True, slots=True)
class FunctionFailed:
    """The handler raised (``/error``) or its response was refused (too large)."""

    error_type: str
    message: str
    trace: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InitFailed:
    """The function could not start: import error, missing handler (``/init/error``)."""

    error_type: str
    message: str
    trace: tuple[str, ...] = ()


Result = Union[Succeeded, FunctionFailed, InitFailed]


def _error(body: bytes, fallback_type: str) -> tuple[str, str, tuple[str, ...]]:
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return fallback_type, body.decode("utf-8", "replace"), ()
    trace = doc.get("stackTrace") or ()
    return doc.get("errorType") or fallback_type, str(doc.get("errorMessage", "")), tuple(map(str, trace))


@dataclass(frozen=True, slots=True)
class Polled:
    """The runtime asked for its next event: init is over, or the last invocation is done."""


@dataclass(frozen=True, slots=True)
class Posted:
    request_id: str | None  # None for ``/init/error``
    result: Result


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    body: bytes


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)


class _Connection:
    """One connection from the runtime: bytes in, complete requests out."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        self.sock = sock
        self._buffer = bytearray()

    def receive(self) -> list[_Request] | None:
        """The requests completed by what arrived; None when the runtime hung up."""
        try:
            data = self.sock.recv(65536)  # under malloc's mmap threshold: a 1 MB buffer per call costs an mmap
        except BlockingIOError:
            return []
        except OSError:
            return None
        if not data:
            return None
        buffer = self._buffer
        buffer += data
        requests = []
        while (end := buffer.find(b"\r\n\r\n")) >= 0:
            declared = _CONTENT_LENGTH.search(buffer, 0, end + 2)  # the head, with its last line's CRLF
            length = int(declared[1]) if declared else 0
            if len(buffer) < end + 4 + length:
                break  # the body is still on its way
            method, _, rest = buffer[:buffer.find(b"\r\n")].partition(b" ")
            path = rest.partition(b" ")[0]
            body = bytes(buffer[end + 4:end + 4 + length])
            requests.append(_Request(method.decode("latin-1"), path.decode("latin-1"), body))
            del buffer[:end + 4 + length]
        return requests

    def reply(self, status: str, body: bytes, headers: str = "") -> None:
        """``headers``: more header lines, each ending in CRLF."""
        # awslambdaric's native client fails on a ``next`` answer without Content-Type.
        head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
        data = head.encode("latin-1") + body
        try:
            sent = self.sock.send(data)
            if sent < len(data):  # a large event does not fit the socket buffer at once
                self.sock.setblocking(True)
                try:
                    self.sock.sendall(data[sent:])
                finally:
                    self.sock.setblocking(False)
        except OSError:
            pass  # the runtime is gone: the caller finds out from the process

    def close(self) -> None:
        self.sock.close()


def _json(status: str, doc: dict) -> tuple[str, bytes]:
    return status, json.dumps(doc).encode()


_ACCEPTED = _json("202 Accepted", {"status": "OK"})


async def _readable(fd: int, timeout: float) -> bool:
    """Whether ``fd`` turned readable within ``timeout`` s, waiting on the running loop. (An epoll or
    kqueue descriptor is readable while one of the descriptors it watches is.)"""
    loop = asyncio.get_running_loop()
    woken = loop.create_future()

    def wake(readable: bool) -> None:
        if not woken.done():
            woken.set_result(readable)

    loop.add_reader(fd, wake, True)
    timer = loop.call_later(timeout, wake, False)
    try:
        return await woken
    finally:
        timer.cancel()
        loop.remove_reader(fd)


class RuntimeApi:
    """A Runtime API endpoint on 127.0.0.1; ``address`` goes into AWS_LAMBDA_RUNTIME_API.

    ``serve`` (or ``serve_async``) and ``invoke`` run in the caller's thread, one caller at a time
    (a container runs one invocation at a time); ``close`` may come from another thread."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._parked: _Connection | None = None  # the connection waiting in ``next``
        self._waiting: dict[_Connection, list[_Request]] = {}  # read, not yet handled
        self._closed = False

    @property
    def address(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"{host}:{port}"

    def serve(self, until: float, keep_going: Callable[[], bool] = lambda: True) -> Polled | Posted | None:
        """Answer the runtime until it polls for an event or posts a result; None when
        ``until`` (a time.monotonic() value) passes, ``keep_going()`` turns false or the API is closed."""
        while not self._closed:
            if (outcome := self._handle_waiting()) is not None:
                return outcome
            timeout = min(until - time.monotonic(), 0.05)  # 50 ms slices: notice a dead process
            if timeout <= 0:
                return None
            ready = self._read(timeout)
            if ready is None or (not ready and not keep_going()):
                return None
        return None

    async def serve_async(self, until: float, keep_going: Callable[[], bool] = lambda: True) -> Polled | Posted | None:
        """``serve`` for a caller on an asyncio loop: the waits are awaited, so the loop serves other
        requests meanwhile and the answer needs no thread to hand it back."""
        while not self._closed:
            if (outcome := self._handle_waiting()) is not None:
                return outcome
            timeout = min(until - time.monotonic(), 0.05)
            if timeout <= 0:
                return None
            ready = self._read(0)
            if ready is None:
                return None
            if not ready and not await _readable(self._selector.fileno(), timeout) and not keep_going():
                return None
        return None

    def _handle_waiting(self) -> Polled | Posted | None:
        """Handle requests already read (several can come in one read) up to the first the caller must act on."""
        for connection, requests in list(self._waiting.items()):
            while requests:
                outcome = self._handle(connection, requests.pop(0))
                if outcome is not None:
                    return outcome
            del self._waiting[connection]
        return None

    def _read(self, timeout: float) -> bool | None:
        """Wait up to ``timeout`` s for connections and requests and read them: whether any came,
        None when the API was closed (from another thread)."""
        try:
            ready = self._selector.select(timeout)
        except (OSError, ValueError):
            return None
        for key, _ in ready:
            if key.fileobj is self._listener:
                self._accept()
                continue
            connection = key.data
            requests = connection.receive()
            if requests is None:
                self._drop(connection)
                continue
            if requests:
                self._waiting.setdefault(connection, []).extend(requests)
        return bool(ready)

    def invoke(self, invocation: Invocation) -> None:
        """Hand ``invocation`` to the runtime waiting in ``next`` (``serve`` returned Polled)."""
        assert self._parked is not None, "the runtime is not waiting for an event"
        connection, self._parked = self._parked, None
        headers = (f"Lambda-Runtime-Aws-Request-Id: {invocation.request_id}\r\n"
                   f"Lambda-Runtime-Deadline-Ms: {invocation.deadline_ms}\r\n"
                   f"Lambda-Runtime-Invoked-Function-Arn: {invocation.function_arn}\r\n"
                   f"Lambda-Runtime-Trace-Id: {invocation.trace_id}\r\n")
        if invocation.client_context:
            headers += f"Lambda-Runtime-Client-Context: {invocation.client_context}\r\n"
        if invocation.cognito_identity:
            headers += f"Lambda-Runtime-Cognito-Identity: {invocation.cognito_identity}\r\n"
        connection.reply("200 OK", invocation.event, headers)

    @property
    def polled(self) -> bool:
        """Whether the runtime is waiting in ``next`` now."""
        return self._parked is not None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        try:
            self._selector.register(sock, selectors.EVENT_READ, _Connection(sock))
        except (OSError, ValueError, KeyError):  # closed from another thread meanwhile
            sock.close()

    def _drop(self, connection: _Connection) -> None:
        if self._parked is connection:
            self._parked = None
        self._waiting.pop(connection, None)
        try:
            self._selector.unregister(connection.sock)
        except (OSError, ValueError, KeyError):  # closed from another thread meanwhile
            pass
        connection.close()

    def _handle(self, connection: _Connection, request: _Request) -> Polled | Posted | None:
        parts = request.path.removeprefix(PREFIX).strip("/").split("/")
        match request.method, parts:
            case "GET", ["invocation", "next"]:
                self._parked = connection  # answered by ``invoke``
                return Polled()
            case "POST", ["init", "error"]:
                connection.reply(*_ACCEPTED)
                return Posted(None, InitFailed(*_error(request.body, "Runtime.Unknown")))
            case "POST", ["invocation", request_id, "response"]:
                if len(request.body) > MAX_RESPONSE_BYTES:
                    message = (f"Response payload size ({len(request.body)} bytes) exceeded maximum allowed payload "
                               f"size ({MAX_RESPONSE_BYTES} bytes).")
                    connection.reply(*_json("413 Request Entity Too Large",
                                            {"errorMessage": message, "errorType": "RequestEntityTooLarge"}))
                    return Posted(request_id, FunctionFailed("Function.ResponseSizeTooLarge", message))
                connection.reply(*_ACCEPTED)
                return Posted(request_id, Succeeded(request.body))
            case "POST", ["invocation", request_id, "error"]:
                connection.reply(*_ACCEPTED)
                return Posted(request_id, FunctionFailed(*_error(request.body, "Function.Unhandled")))
        connection.reply(*_json("404 Not Found", {"errorMessage": f"unknown path {request.path}", "errorType": "NotFound"}))
        return None
