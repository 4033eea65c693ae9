"""WSGI driver: Request -> PEP 3333 environ -> app -> Response.

Strings in the environ are "bytes as latin-1" (PEP 3333): PATH_INFO is the percent-decoded
UTF-8 path shown as latin-1, exactly what a real server passes (Miserlou/Zappa #1199).
SCRIPT_NAME is the mount prefix and PATH_INFO excludes it, so ``url_for`` and redirects
include ``/prod`` without configuration.
"""

from __future__ import annotations

import sys
from io import BytesIO
from operator import itemgetter

from shoehorn.runtime import events
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


# PEP 3333 keys with the same value on every request (one request at a time per sandbox)
_CONSTANT = {
    "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}


def _environ(method, script_name, path_info, query, host, port, remote, scheme, body, event, context) -> dict:
    """The PEP 3333 keys every request has (headers are added by the callers)."""
    return {
        **_CONSTANT,
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "REMOTE_ADDR": remote,
        "wsgi.url_scheme": scheme,
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
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


# The header names of an event, as spelled and in order -> what rest_environ needs to know of
# them (_Shape); False when two names give one environ key (parse() merges those). Clients send
# the same few sets of names, so this is worked out once per set, not per request.
_SHAPES: dict[tuple, _Shape | bool] = {}
# Keys every environ has: the templates rest_environ copies hold all of them (and the header
# keys), so filling one in never grows the dict; growing it costs more than the rest.
_PER_REQUEST = (
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REMOTE_ADDR", "wsgi.input",
    "wsgi.errors", "aws.event", "aws.context",
)  # fmt: skip
_METHODS = {m: m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")}
_STAGES = rest.STAGES
_PATH_ASCII = rest._PATH_ASCII
_QUERY_PLAIN = rest._QUERY_PLAIN


class _Shape(tuple):
    """What one set of header names tells: (environ keys, {server key: template environ},
    a C callable taking the headers to the server key, Cookie among them, Content-Length among
    them, the fill function), plus the names (as spelled) of Host, X-Forwarded-Proto and
    X-Forwarded-Port, which fill the templates."""

    __slots__ = ()


def _shape(names: tuple):
    lowered = [name.lower() for name in names]
    keys = tuple([_environ_name(name) for name in lowered])
    found = False
    if len(set(keys)) == len(keys) == len(set(lowered)):
        spelled = dict(zip(lowered, names))
        forwarding = tuple(spelled.get(name) for name in ("host", "x-forwarded-proto", "x-forwarded-port"))
        present = [name for name in forwarding if name is not None]
        # the server key: the values of those headers (each shape has its own templates, so the
        # names are implied); len() when there are none, a constant for this set of names
        server_key = itemgetter(*present) if present else len
        fill = _first_fill(names, keys)
        found = _Shape((keys, {}, server_key, "cookie" in spelled, "content-length" in spelled, fill, forwarding))
    if len(_SHAPES) < 256:  # bounded: header names come from clients
        _SHAPES[names] = found
    return found


def _first_fill(names: tuple, keys: tuple):
    """The fill for the first request of a set of header names: update(zip()). Generating
    ``_filler`` costs ~0.3 ms (compiling), which would land on the cold start's first request;
    the second request of the set generates it and puts it in the shape instead."""
    seen = False
    ones = [1] * len(keys)

    def fill(environ, values, multi) -> bool:
        nonlocal seen
        if seen and (shape := _SHAPES.get(names)):
            _SHAPES[names] = _Shape((*shape[:5], _filler(keys), shape[6]))
        seen = True
        if multi is not None and [*map(len, multi.values())] != ones:
            raise ValueError("not one value per name")  # as the generated fill does
        if not "".join(values).isascii():
            return False
        environ.update(zip(keys, values))
        return True

    return fill


def _filler(keys: tuple):
    """``fill(environ, values, multi) -> bool``: ValueError unless the multi-value map (when
    there is one) holds exactly one value per name (repeats: parse() merges them); False when
    a value is not ASCII (PEP 3333 wants those re-encoded: parse() does it); else
    ``environ.update(zip(keys, values))`` done and True.

    Generated once per set of header names, like namedtuple generates its classes: unpacking
    ``(_,), (_,), ... = multi.values()`` checks every list's length in bytecode (a sixth of the
    cost of a ``len()`` call per list), straight-line stores take about two thirds of the time
    of update(zip()), and the ASCII test joins a tuple instead of turning the values view into
    a list first. The keys reach the code as constants of its namespace, never as source text,
    so a header name cannot inject code (tests/runtime/test_shortcuts.py).
    """
    if not keys:
        return _fill_nothing
    values = ", ".join([f"v{i}" for i in range(len(keys))]) + ","
    one_each = ", ".join(["(_,)"] * len(keys)) + ","
    source = f"def fill(environ, values, multi):\n    {values} = values\n"
    source += f"    if multi is not None:\n        {one_each} = multi.values()\n"
    source += f"    if not ''.join(({values})).isascii():\n        return False\n"
    source += "".join(f"    environ[k{i}] = v{i}\n" for i in range(len(keys)))
    source += "    return True\n"
    namespace = {f"k{i}": key for i, key in enumerate(keys)}
    exec(source, namespace)
    return namespace["fill"]


def _fill_nothing(environ, values, multi) -> bool:
    return True


def _template(shape: _Shape, single: dict, rc: dict) -> dict:
    """The environ template for this shape and this server (the Host and forwarding headers;
    requestContext.domainName when there is no Host), remembered in the shape."""
    keys, templates, server_key, _, _, _, (host, proto, port) = shape
    scheme, (name, number) = server_and_scheme(
        single.get(host), single.get(proto), single.get(port), rc.get("domainName"), "https"
    )
    template = dict.fromkeys(keys)
    template.update(dict.fromkeys(_PER_REQUEST))
    template.update(_CONSTANT)
    template.update({"SERVER_NAME": name, "SERVER_PORT": str(number), "wsgi.url_scheme": scheme})
    # With no (or an empty) Host the domain decides, so such events (console tests, some health
    # checks: rare) get no template remembered.
    if single.get(host) and len(templates) < 16:  # bounded: Host comes from clients
        templates[server_key(single)] = template
    return template


def _query(single, multi) -> str:
    return rest._query(single, multi).decode("latin-1")


def rest_environ(event: dict, context) -> dict | None:
    """``build_environ(rest.parse(event))`` in one step for the commonest REST event, or None.

    The commonest event is what API Gateway sends a browser or an API client: both header
    maps, one ASCII value per name, a plain ASCII path without escapes, a standard method, a
    source IP. Anything else, odd or malformed (any exception on the way), is None and the
    handler takes ``parse``, which handles it; tests/runtime/test_shortcuts.py holds both ways
    equal on every sample and each odd case.

    Why it reads like this: with an app as small as a one-route Flask app, each step here is a
    measurable share of the request (the WSGI target is 1.10x the raw call), and the cost
    follows the Python steps and C calls run, not the bytes they move (bench/README.md has what
    each check costs). So: subscripts, not ``.get``; one ``try`` (free in CPython 3.11 when
    nothing raises) instead of type checks; per-shape facts from ``_SHAPES``; an environ that
    copies a template already holding every key and the server fields, filled by a function
    generated for the set of header names.
    """
    try:
        if "httpMethod" not in event or "version" in event and event["version"] == "2.0":
            return None  # not payload 1.0 (find_source's test, so the handler can skip it)
        single = event["headers"]
        rc = event["requestContext"]
        if "elb" in rc:
            return None  # ALB
        names = tuple(single)
        shape = _SHAPES.get(names)
        if shape is None:
            shape = _shape(names)
        keys, templates, server_key, cookie, length, fill, _ = shape  # False: TypeError
        headers = event.get("multiValueHeaders")
        if headers is not None and tuple(headers) != names:
            return None  # maps that disagree: parse() merges them (fill checks one value each)
        path = event["path"]
        if "%" in path or not _PATH_ASCII.issuperset(path):
            return None  # a path to percent-decode, or to quote
        prefix = _STAGES.get(rc["stage"]) or rest.stage_prefix(rc["stage"])
        if not prefix or rc["path"] != prefix + path:
            # not the execute-api domain (a custom domain, with or without a base path)
            prefix, path = rest.other_prefix(event, rc, path)  # None: TypeError
        query = event.get("queryStringParameters")
        multi = event.get("multiValueQueryStringParameters")
        if query is None:
            query = "" if multi is None else _query(query, multi)
        elif len(query) == 1 == len(multi):  # the usual one parameter
            ((key, value),) = query.items()
            query = key + "=" + value if multi[key] == [value] and _QUERY_PLAIN.issuperset(key + value) else _query(query, multi)
        else:
            query = _query(query, multi)
        body = event["body"]
        body = events.decode_body(event) if body else b""
        method = _METHODS[event["httpMethod"]]
        remote = rc["identity"]["sourceIp"]
        if "/" in remote:
            return None  # a CIDR suffix (console tests): client_address strips it
        template = templates.get(server_key(single))
        if template is None:
            template = _template(shape, single, rc)
        environ = template.copy()
        if not fill(environ, single.values(), headers):
            return None  # a value that is not ASCII: PEP 3333 wants it re-encoded, parse() does
    except Exception:  # odd or malformed (a null value...): parse() judges it
        return None
    environ["REQUEST_METHOD"] = method
    environ["SCRIPT_NAME"] = prefix
    environ["PATH_INFO"] = path
    environ["QUERY_STRING"] = query
    environ["REMOTE_ADDR"] = remote
    environ["wsgi.input"] = BytesIO(body)
    environ["wsgi.errors"] = sys.stderr
    environ["aws.event"] = event
    environ["aws.context"] = context
    if cookie and not environ["HTTP_COOKIE"]:
        del environ["HTTP_COOKIE"]  # an empty Cookie header is no cookie (as parse() has it)
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    elif length:
        del environ["CONTENT_LENGTH"]  # API Gateway's own is not the body's (see collect_headers)
    return environ


class _Start:
    """One request's start_response (the bound method ``start``) and its write() callable.

    No __init__: collect() sets ``chunks``; ``status`` stays unset until the app calls
    start_response (each Python-level call costs a measurable share of a small request).
    """

    __slots__ = ("status", "headers", "chunks")

    def start(self, status, headers, exc_info=None):
        if exc_info is not None and self.chunks:
            # PEP 3333: replacing headers is allowed only until they are sent; ours are
            # buffered, so "sent" means "the app already produced body bytes".
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


def run(app, request: Request, event: dict, context) -> Response:
    """Call the WSGI app once and collect its whole response (Lambda cannot stream here)."""
    return call(app, build_environ(request, event, context))


def call(app, environ: dict) -> Response:
    """Call the WSGI app with ``environ`` and collect its whole response."""
    status, headers, body = collect(app, environ)
    return Response(status, tuple(headers), body)


def collect(app, environ: dict) -> tuple[int, list, bytes]:
    """(status, headers as the app gave them, whole body) of one call of the WSGI app."""
    start = _Start()
    start.chunks = chunks = []
    result = app(environ, start.start)
    try:
        for chunk in result:
            if chunk:
                chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    try:
        status = start.status
    except AttributeError:
        raise RuntimeError("the WSGI app returned without calling start_response()") from None
    code = _CODES.get(status)
    if code is None:
        code = int(status[:3])
        if len(_CODES) < 256:  # bounded: apps may send any reason phrase
            _CODES[status] = code
    return code, start.headers, b"".join(chunks)  # one chunk: join returns it, no copy


_CODES: dict[str, int] = {}  # status line -> code
