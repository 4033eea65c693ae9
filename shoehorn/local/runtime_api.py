"""The Lambda Runtime API, served by shoehorn for ONE local container.

awslambdaric talks to it exactly as it talks to Lambda's own endpoint
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): it long-polls
``invocation/next``, then posts ``/response`` or ``/error``; a failed import posts
``/init/error``. One server per container keeps the mapping container <-> request
trivial (Lambda also gives each execution environment its own endpoint).
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Union

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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A killed container drops its connection mid-poll: expected, not worth a traceback."""


class RuntimeApi:
    """A Runtime API endpoint on 127.0.0.1; ``address`` goes into AWS_LAMBDA_RUNTIME_API."""

    def __init__(self) -> None:
        self._pending: queue.Queue[Invocation | None] = queue.Queue()
        self._results: queue.Queue[tuple[str | None, Result]] = queue.Queue()
        self.polled = threading.Event()  # set at the first ``next``: init is over
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=lambda: self._server.serve_forever(poll_interval=0.1), name="runtime-api", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def submit(self, invocation: Invocation) -> None:
        self._pending.put(invocation)

    def result(self, timeout: float) -> tuple[str | None, Result] | None:
        """The next (request id, result) posted by the runtime, or None after ``timeout``."""
        try:
            return self._results.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self._pending.put(None)  # wakes a waiting ``next``
        self._server.shutdown()
        self._server.server_close()

    # called from the HTTP handler threads
    def _next(self) -> Invocation | None:
        self.polled.set()
        return self._pending.get()

    def _post(self, request_id: str | None, result: Result) -> None:
        self._results.put((request_id, result))


def _handler_for(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; with Nagle on, each warm invoke
        # would wait ~40 ms for the client's delayed ACK.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            """Silence per-request access logs; the emulator logs START/END/REPORT instead."""

        def _reply(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            # awslambdaric's native client fails on a ``next`` answer without Content-Type.
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            if self.path != f"{PREFIX}/invocation/next":
                return self._reply(404, {"errorMessage": "not found", "errorType": "NotFound"})
            invocation = api._next()
            if invocation is None:  # shutting down: leave the runtime hanging up
                self.close_connection = True
                return self._reply(410, {"errorMessage": "gone", "errorType": "Shutdown"})
            headers = {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            }
            if invocation.client_context:
                headers["Lambda-Runtime-Client-Context"] = invocation.client_context
            if invocation.cognito_identity:
                headers["Lambda-Runtime-Cognito-Identity"] = invocation.cognito_identity
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(invocation.event)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(invocation.event)

        def do_POST(self) -> None:
            body = self._body()
            parts = self.path.removeprefix(PREFIX).strip("/").split("/")
            match parts:
                case ["init", "error"]:
                    api._post(None, InitFailed(*_error(body, "Runtime.Unknown")))
                    return self._reply(202, {"status": "OK"})
                case ["invocation", request_id, "response"]:
                    if len(body) > MAX_RESPONSE_BYTES:
                        message = f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
                        api._post(request_id, FunctionFailed("Function.ResponseSizeTooLarge", message))
                        return self._reply(413, {"errorMessage": message, "errorType": "RequestEntityTooLarge"})
                    api._post(request_id, Succeeded(body))
                    return self._reply(202, {"status": "OK"})
                case ["invocation", request_id, "error"]:
                    api._post(request_id, FunctionFailed(*_error(body, "Function.Unhandled")))
                    return self._reply(202, {"status": "OK"})
            self._reply(404, {"errorMessage": f"unknown path {self.path}", "errorType": "NotFound"})

    return Handler
