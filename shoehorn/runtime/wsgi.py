"""WSGI driver: Request -> PEP 3333 environ -> app -> Response.

Strings in the environ are "bytes as latin-1" (PEP 3333): PATH_INFO is the percent-decoded
UTF-8 path shown as latin-1, exactly what a real server passes (Miserlou/Zappa #1199).
SCRIPT_NAME is the mount prefix and PATH_INFO excludes it, so ``url_for`` and redirects
include ``/prod`` without configuration.
"""

from __future__ import annotations

import sys
from io import BytesIO

from shoehorn.runtime.events import client_address, rest, server_and_scheme
from shoehorn.runtime.events.percent import unquote_to_bytes
from shoehorn.runtime.types import Request, Response

# Repeated request headers are joined with "," (RFC 9110 5.3); Cookie is already one header.
_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}
_NAMES: dict[str, str] = {}


def _environ_name(name: str) -> str:
    key = _NAMES.get(name)
    if key is None:
        key = _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")
        if len(_NAMES) < 2048:  # bounded: header names come from clients
            _NAMES[name] = key
    return key


def _environ(method, script_name, path_info, query, host, port, remote, scheme, body, event, context) -> dict:
    """The PEP 3333 keys every request has (headers are added by the callers)."""
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": remote,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        # one request at a time per Lambda sandbox
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "aws.event": event,
        "aws.context": context,
    }


def build_environ(request: Request, event: dict, context) -> dict:
    host, port = request.server
    client = request.client
    environ = _environ(
        request.method,
        request.root_path.encode("utf-8", "surrogateescape").decode("latin-1"),
        unquote_to_bytes(request.raw_path).decode("latin-1"),
        request.query_string.decode("latin-1"),
        host,
        port,
        client[0] if client else "",
        request.scheme,
        request.body,
        event,
        context,
    )
    headers = request.headers
    if headers:
        try:
            extra = {_NAMES[name]: value for name, value in headers}
        except KeyError:  # a header name not seen before
            extra = {_environ_name(name): value for name, value in headers}
        if len(extra) != len(headers):  # repeated names: join them with ","
            extra = {}
            for name, value in headers:
                key = _environ_name(name)
                extra[key] = extra[key] + "," + value if key in extra else value
        if not "".join(extra.values()).isascii():
            # PEP 3333: UTF-8 bytes shown as latin-1
            extra = {k: v.encode("utf-8", "surrogateescape").decode("latin-1") for k, v in extra.items()}
        environ.update(extra)
    return environ


# The header names of an event, as spelled and in order -> their environ keys; False when two
# names differ only in case (parse() merges those). Clients send the same few sets of names.
_SHAPES: dict[tuple, tuple | bool] = {}


def _environ_keys(names: tuple):
    keys = tuple([_environ_name(name.lower()) for name in names])
    found = keys if len(set(keys)) == len(keys) else False
    if len(_SHAPES) < 256:  # bounded: header names come from clients
        _SHAPES[names] = found
    return found


def rest_environ(event: dict, context) -> dict | None:
    """``build_environ(rest.parse(event))`` in one step for the commonest REST event, or None.

    Per-request time here is about proportional to the Python bytecodes run (C-level bulk
    operations are nearly free in comparison, bench/README.md), so the headers go into the
    environ in one ``dict(zip())`` with keys remembered per set of names. Whatever
    ``rest.common`` or the checks below do not accept goes the general way;
    tests/runtime/test_shortcuts.py holds both ways equal on every sample and each odd case.
    """
    common = rest.common(event)
    if common is None:
        return None
    method, prefix, path, query, body, headers, rc = common
    names = tuple(headers)
    keys = _SHAPES.get(names)
    if keys is None:
        keys = _environ_keys(names)
    if keys is False:
        return None
    values = headers.values()
    try:
        if not "".join(values).isascii():
            return None  # values to re-encode as PEP 3333 wants: build_environ does it
    except TypeError:  # a null value: parse() drops it
        return None
    environ = dict(zip(keys, values))
    get = environ.get
    scheme, (host, port) = server_and_scheme(
        get("HTTP_HOST"), get("HTTP_X_FORWARDED_PROTO"), get("HTTP_X_FORWARDED_PORT"), rc.get("domainName"), "https"
    )
    source_ip = (rc.get("identity") or {}).get("sourceIp")
    if type(source_ip) is not str or "/" in source_ip:
        client = client_address(source_ip)
        source_ip = client[0] if client else ""
    environ.update(
        _environ(method, prefix, path, query.decode("latin-1"), host, port, source_ip, scheme, body, event, context)
    )
    if "HTTP_COOKIE" in environ and not environ["HTTP_COOKIE"]:
        del environ["HTTP_COOKIE"]  # an empty Cookie header is no cookie (as parse() has it)
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    elif "CONTENT_LENGTH" in environ:
        del environ["CONTENT_LENGTH"]  # API Gateway's own is not the body's (see collect_headers)
    return environ


class _Start:
    """The start_response callable for one request (and its write() callable)."""

    __slots__ = ("status", "headers", "chunks")

    def __init__(self) -> None:
        self.status = None
        self.headers = None
        self.chunks: list[bytes] = []

    def __call__(self, status, headers, exc_info=None):
        if exc_info is not None and self.status is not None:
            # PEP 3333: replacing headers is allowed only until they are sent; ours are
            # buffered, so "sent" means "the app already produced body bytes".
            if self.chunks:
                raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


def run(app, request: Request, event: dict, context) -> Response:
    """Call the WSGI app once and collect its whole response (Lambda cannot stream here)."""
    return call(app, build_environ(request, event, context))


def call(app, environ: dict) -> Response:
    """Call the WSGI app with ``environ`` and collect its whole response."""
    start = _Start()
    result = app(environ, start)
    try:
        chunks = start.chunks
        for chunk in result:
            if chunk:
                chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if start.status is None:
        raise RuntimeError("the WSGI app returned without calling start_response()")
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return Response(int(start.status[:3]), tuple(start.headers), body)
