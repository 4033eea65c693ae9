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
from shoehorn.runtime.log import log
from shoehorn.runtime.namesets import PerNameSet
from shoehorn.runtime.types import Request, Response

_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def _key(name: str) -> str:
    return _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")


_last_server: tuple = (None, None)  # (server, its SERVER_NAME and SERVER_PORT) of the last request


def _template(names: tuple) -> tuple:
    keys = tuple([_key(name) for name in names])
    template = dict.fromkeys(_PER_REQUEST)
    template.update(_CONSTANT)
    if len(set(keys)) == len(keys) and "_" not in "".join(names):
        template.update(dict.fromkeys(keys))
    else:
        keys = ()
    return keys, template


# A Request's header names -> (their environ keys, or () when two names share a key or one has
# a "_"; a template environ with every key).
_TEMPLATES = PerNameSet(_template)
_dropped_logged = False


def _add_headers(environ: dict, names: tuple, values) -> None:
    """The headers the template has no keys for. Repeated names are joined with "," (RFC 9110
    5.3; Cookie is already one header). Names with "_" are dropped, as gunicorn 22+, nginx and
    Django's runserver do (CVE-2015-0219): ``X_Forwarded_For`` would land on the environ key of
    ``X-Forwarded-For`` and a proxy-fix middleware could trust the client's value."""
    global _dropped_logged
    dropped = []
    for name, value in zip(names, values):
        if "_" in name:
            dropped.append(name)
            continue
        key = _key(name)
        environ[key] = environ[key] + "," + value if key in environ else value
    if dropped and not _dropped_logged:
        _dropped_logged = True
        log().debug(
            "dropped request headers whose names contain '_' (as gunicorn and nginx do): %s", sorted(set(dropped))
        )


def _latin1(text: str) -> str:
    """PEP 3333: a str holding the UTF-8 bytes of ``text``, one character per byte."""
    return text.encode("utf-8").decode("latin-1")


# PEP 3333 keys with the same value on every request (one request at a time per sandbox)
_CONSTANT = {
    "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}
_PER_REQUEST = (
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT",
    "REMOTE_ADDR", "wsgi.url_scheme", "wsgi.input", "aws.event", "aws.context",
)  # fmt: skip


def build_environ(request: Request, event: dict, context) -> dict:
    # the fields in their order (Request is a tuple): one step, where each name is a call
    method, root, path, raw, query, names, values, body, scheme, server, client, _ = request
    last_names, found = _TEMPLATES.last  # a reader hands on the same names tuple for a known set
    if names is not last_names:
        found = _TEMPLATES.lookup(names)
    keys, template = found
    if not "".join(values).isascii():
        values = [_latin1(value) for value in values]
    # a copy of a template that holds every key already: filling it never grows the dict
    environ = template.copy()
    if keys:
        environ.update(zip(keys, values))
    else:
        _add_headers(environ, names, values)
    global _last_server
    last_server, server_strings = _last_server  # the reader hands on the same server tuple for a known host
    if server is not last_server:
        host, port = server
        server_strings = (host if host.isascii() else _latin1(host), str(port))
        _last_server = server, server_strings
    environ["REQUEST_METHOD"] = method
    environ["SCRIPT_NAME"] = root if root.isascii() else _latin1(root)
    environ["PATH_INFO"] = path if path.isascii() else unquote_to_bytes(raw).decode("latin-1")
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["SERVER_NAME"], environ["SERVER_PORT"] = server_strings
    environ["REMOTE_ADDR"] = "" if client is None else client[0] if client[0].isascii() else _latin1(client[0])
    environ["wsgi.url_scheme"] = scheme
    environ["wsgi.input"] = BytesIO(body)
    environ["aws.event"] = event
    environ["aws.context"] = context
    return environ


_UNSET = object()  # start_response not called yet (None is a status an app may pass)


class _Start:
    """One request's start_response (the bound method ``start``) and its write() callable.

    No __init__ (a Python-level call is a measurable share of a small request): the driver
    sets ``chunks`` and ``status`` (_UNSET until the app calls start_response)."""

    __slots__ = ("status", "headers", "chunks")

    def start(self, status, headers, exc_info=None):
        if exc_info is not None:
            if self.chunks:
                # PEP 3333: replacing headers is allowed only until they are sent; ours are
                # buffered, so "sent" means "the app already produced body bytes".
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not _UNSET:
            # PEP 3333 calls this a fatal error; gunicorn and wsgiref raise too (the second
            # call's headers silently winning would hide the app's bug)
            raise RuntimeError("start_response() was called a second time without exc_info (PEP 3333)")
        self.status = status
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


class WsgiDriver:
    """One WSGI app: ``driver(request, event, context) -> Response``."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, request: Request, event: dict, context) -> Response:
        """Call the WSGI app once and collect its whole response (Lambda cannot stream here).

        AppError when the app raises or answers something HTTP cannot carry."""
        environ = build_environ(request, event, context)
        start = _Start()
        start.chunks = chunks = []
        start.status = _UNSET
        try:
            result = self.app(environ, start.start)
            try:
                for chunk in result:
                    if chunk:
                        chunks.append(chunk)
                    elif chunk != b"":  # None, "", 0 (join catches the other types)
                        raise TypeError(f"the app's response body held {chunk!r}; PEP 3333 wants bytes")
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            body = b"".join(chunks)  # one chunk: join returns it, no copy
        except KeyboardInterrupt:
            raise  # Ctrl-C still stops a local run (Lambda sends no SIGINT)
        except BaseException as exc:  # SystemExit, GeneratorExit...: the handler never raises
            raise AppError("the app raised") from exc
        if start.status is _UNSET:
            raise AppError("the WSGI app returned without calling start_response()")
        return answer.response(answer.status_code(start.status), start.headers, body)


def run(app, request: Request, event: dict, context) -> Response:
    """``WsgiDriver(app)(request, event, context)``: one request through ``app``."""
    return WsgiDriver(app)(request, event, context)
