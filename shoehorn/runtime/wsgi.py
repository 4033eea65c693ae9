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

# PEP 3333 keys with the same value on every request (one request at a time per sandbox)
_CONSTANT = {
    "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}
_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}
# header name -> environ key; bounded in bytes (names of at most 64 characters, 512 of them):
# clients choose the names.
_KEYS: dict[str, str] = {}


def _key(name: str) -> str:
    key = _KEYS.get(name)
    if key is None:
        key = _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")
        if len(name) <= 64 and len(_KEYS) < 512:
            _KEYS[name] = key
    return key


def _latin1(text: str) -> str:
    """PEP 3333: a str holding the UTF-8 bytes of ``text``, one character per byte."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def build_environ(request: Request, event: dict, context) -> dict:
    host, port = request.server
    client = request.client
    environ = {
        **_CONSTANT,
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": _latin1(request.root_path),
        "PATH_INFO": unquote_to_bytes(request.raw_path).decode("latin-1"),
        "QUERY_STRING": request.query_string.decode("latin-1"),
        "SERVER_NAME": _latin1(host),
        "SERVER_PORT": str(port),
        "REMOTE_ADDR": _latin1(client[0]) if client else "",
        "wsgi.url_scheme": request.scheme,
        "wsgi.input": BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "aws.event": event,
        "aws.context": context,
    }
    headers = {}
    for name, value in request.headers:
        key = _key(name)
        # repeated names are joined with "," (RFC 9110 5.3); Cookie is already one header
        headers[key] = headers[key] + "," + value if key in headers else value
    if not "".join(headers.values()).isascii():
        headers = {key: _latin1(value) for key, value in headers.items()}
    environ.update(headers)
    return environ


class _Start:
    """One request's start_response (the bound method ``start``) and its write() callable."""

    __slots__ = ("status", "headers", "chunks")

    def __init__(self) -> None:
        self.status = None
        self.headers = None
        self.chunks: list[bytes] = []

    def start(self, status, headers, exc_info=None):
        if exc_info is not None and self.chunks:
            # PEP 3333: replacing headers is allowed only until they are sent; ours are
            # buffered, so "sent" means "the app already produced body bytes".
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


def run(app, request: Request, event: dict, context) -> Response:
    """Call the WSGI app once and collect its whole response (Lambda cannot stream here).

    AppError when the app raises or answers something HTTP cannot carry."""
    environ = build_environ(request, event, context)
    start = _Start()
    chunks = start.chunks
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
    if start.status is None:
        raise AppError("the WSGI app returned without calling start_response()")
    return answer.response(answer.status_code(start.status), start.headers, body)
