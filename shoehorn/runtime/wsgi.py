"""WSGI driver: Request -> PEP 3333 environ -> app -> Response.

Strings in the environ are "bytes as latin-1" (PEP 3333): PATH_INFO is the percent-decoded
UTF-8 path shown as latin-1, exactly what a real server passes (Miserlou/Zappa #1199).
SCRIPT_NAME is the mount prefix and PATH_INFO excludes it, so ``url_for`` and redirects
include ``/prod`` without configuration.
"""

from __future__ import annotations

import sys
from io import BytesIO

from shoehorn.runtime import answer
from shoehorn.runtime.errors import AppError
from shoehorn.runtime.events.percent import unquote_to_bytes
from shoehorn.runtime.types import Request, Response

_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def _key(name: str) -> str:
    return _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")


# A Request's header names -> their environ keys, or () when two names share a key (repeats).
# Bounded in bytes (sets under 2 KB, 128 of them): clients choose the names.
_ENVIRON_KEYS: dict[tuple, tuple] = {}


def _environ_keys(names: tuple) -> tuple:
    keys = tuple([_key(name) for name in names])
    if len(set(keys)) != len(keys):
        keys = ()
    if sum(map(len, names)) < 2048 and len(_ENVIRON_KEYS) < 128:
        _ENVIRON_KEYS[names] = keys
    return keys


def _latin1(text: str) -> str:
    """PEP 3333: a str holding the UTF-8 bytes of ``text``, one character per byte."""
    return text.encode("utf-8").decode("latin-1")


def build_environ(request: Request, event: dict, context) -> dict:
    host, port = request.server
    client = request.client
    root = request.root_path
    raw = request.raw_path
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": root if root.isascii() else _latin1(root),
        "PATH_INFO": (unquote_to_bytes(raw) if b"%" in raw else raw).decode("latin-1"),
        "QUERY_STRING": request.query_string.decode("latin-1"),
        "SERVER_NAME": host if host.isascii() else _latin1(host),
        "SERVER_PORT": str(port),
        "REMOTE_ADDR": _latin1(client[0]) if client else "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": request.scheme,
        "wsgi.input": BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,  # one request at a time per sandbox, but many per process
        "aws.event": event,
        "aws.context": context,
    }
    names = request.header_names
    values = request.header_values
    keys = _ENVIRON_KEYS.get(names)
    if keys is None:
        keys = _environ_keys(names)
    if not "".join(values).isascii():
        values = [_latin1(value) for value in values]
    if keys:
        headers = zip(keys, values)
    else:  # repeated names are joined with "," (RFC 9110 5.3); Cookie is already one header
        headers = {}
        for name, value in zip(names, values):
            key = _key(name)
            headers[key] = headers[key] + "," + value if key in headers else value
    environ.update(headers)
    return environ


class _Start:
    """One request's start_response (the bound method ``start``) and its write() callable.

    No __init__ (a Python-level call is a measurable share of a small request): run() sets
    ``chunks``; ``status`` stays unset until the app calls start_response."""

    __slots__ = ("status", "headers", "chunks")

    def start(self, status, headers, exc_info=None):
        if exc_info is not None and self.chunks:
            # PEP 3333: replacing headers is allowed only until they are sent; ours are
            # buffered, so "sent" means "the app already produced body bytes".
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


class Driver:
    """One WSGI app: ``driver(request, event, context) -> Response``."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, request: Request, event: dict, context) -> Response:
        return run(self.app, request, event, context)


def run(app, request: Request, event: dict, context) -> Response:
    """Call the WSGI app once and collect its whole response (Lambda cannot stream here).

    AppError when the app raises or answers something HTTP cannot carry."""
    environ = build_environ(request, event, context)
    start = _Start()
    start.chunks = chunks = []
    try:
        result = app(environ, start.start)
        try:
            for chunk in result:
                if chunk:
                    chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = b"".join(chunks)  # one chunk: join returns it, no copy
    except Exception as exc:
        raise AppError("the app raised") from exc
    try:
        status = start.status
    except AttributeError:
        raise AppError("the WSGI app returned without calling start_response()") from None
    return answer.response(answer.status_code(status), start.headers, body)
