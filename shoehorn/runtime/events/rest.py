"""API Gateway REST API (payload 1.0) — also HTTP API events sent in payload format 1.0.

Request: ``httpMethod``, ``path``, ``headers``/``multiValueHeaders``,
``queryStringParameters``/``multiValueQueryStringParameters`` (values already DECODED),
``requestContext{path, stage, identity.sourceIp, domainName}``, ``body``, ``isBase64Encoded``.
Response: ``statusCode``, ``headers``, ``multiValueHeaders``, ``body``, ``isBase64Encoded``
(any other key, e.g. ``statusDescription``, makes REST answer 502: apig-wsgi 2.1.1).
"""

from __future__ import annotations

from operator import itemgetter

from shoehorn.runtime.errors import MalformedEvent
from shoehorn.runtime.events import reading as r
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.events.rendering import distinct_names, encode, encode_body, group_headers
from shoehorn.runtime.namesets import PerNameSet
from shoehorn.runtime.types import Request, Response

NAME = "rest"
PAYLOAD_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous response limit


def detect(event: dict) -> bool:
    if "httpMethod" not in event or event.get("version") == "2.0":
        return False
    rc = event.get("requestContext")
    if rc is None:
        return "resource" in event or "requestContext" in event
    return not (type(rc) is dict and "elb" in rc)  # ALB events carry httpMethod too


def read_general(event: dict) -> Request:
    rc = r.mapping(event.get("requestContext"), "requestContext")
    path = r.path(event.get("path"), "path")
    raw = r.quote_path(path)
    decoded = unquote(path)
    prefix, in_path = mount_prefix(event, rc, decoded)
    if in_path:
        decoded, raw = r.strip_prefix(prefix, decoded, raw)
    pairs = r.multi_value_pairs(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters"), "queryStringParameters")
    headers, lowered = r.headers(event.get("headers"), event.get("multiValueHeaders"))
    body = r.body(event)
    names, values = r.with_content_length(headers, body)
    scheme, server = r.server_and_scheme(lowered, rc.get("domainName"), "https")
    return Request(
        method=r.method(event.get("httpMethod")),
        root_path=prefix,
        path=decoded,
        raw_path=raw,
        query_string=r.encode_query(pairs) if pairs else b"",
        header_names=names,
        header_values=values,
        body=body,
        scheme=scheme,
        server=server,
        client=r.client_address(r.mapping(rc.get("identity"), "requestContext.identity").get("sourceIp")),
        source=NAME,
    )


def mount_prefix(event: dict, rc: dict, path: str) -> tuple[str, bool]:
    """(prefix, whether ``path`` includes it): the part of the client's URL path in front of
    the app's path ("" or e.g. "/prod").

    - execute-api host: ``path`` lacks the stage, ``requestContext.path`` has it
      (LocalStack PR 12296 reproduces AWS; bref ag-v1-stage-prefix.json: /path vs /dev/path).
    - custom domain with a base-path mapping: ``path == requestContext.path``, both include the
      base path (powertools #576, serverless-java-container #34); the app's path is the
      resource template filled with ``pathParameters`` (``/{proxy+}`` -> ``proxy``).
    - SAM local / console test: stage set but in neither path -> no prefix (rust
      example-apigw-sam-rest-request.json).
    """
    rc_path = r.text(rc.get("path"), "requestContext.path")
    if not rc_path:
        return "", False
    rc_path = unquote(rc_path)
    p = path.rstrip("/")
    q = rc_path.rstrip("/")
    if q != p:
        # rc.path may lose the trailing slash (powertools apiGatewayProxyEventPathTrailingSlash.json)
        prefix = q[: len(q) - len(p)]
        if q.endswith(p) and prefix.startswith("/") and not prefix.endswith("/"):  # "/" (empty stage) is none
            if not prefix.isascii():
                r.utf8(prefix, "requestContext.path")  # the path was checked, requestContext.path was not
            return prefix, False
        return "", False
    app_path = _fill_resource(event.get("resource"), event.get("pathParameters"))
    if app_path is None:
        return "", False
    a = app_path.rstrip("/")
    prefix = p[: len(p) - len(a)]
    if a.startswith("/") and p.endswith(a) and prefix.startswith("/") and not prefix.endswith("/"):
        return prefix, True
    if not a and p.startswith("/"):  # the root resource "/" under a base path
        return p, True
    return "", False


def _fill_resource(resource, params) -> str | None:
    """``/{proxy+}`` + ``{"proxy": "a/b"}`` -> ``/a/b``; None when it cannot be filled."""
    resource = r.text(resource, "resource")
    if "{" not in resource:
        return resource or None
    params = r.mapping(params, "pathParameters")
    out = []
    for segment in resource.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            value = r.text(params.get(segment[1:-1].rstrip("+")), "pathParameters", None)
            if value is None:
                return None
            out.append(value.strip("/"))
        else:
            out.append(segment)
    return "/".join(out)


def render(response: Response, event: dict) -> dict:
    """REST proxy response: single-valued names in ``headers``, repeated ones (every
    Set-Cookie) in ``multiValueHeaders`` — never comma-joined (Expires has a comma)."""
    method = event.get("httpMethod")
    method = method.upper() if type(method) is str else "GET"
    status, headers, body = response
    single = dict(headers)
    found = distinct_names(tuple(single)) if len(single) == len(headers) else None
    if found is not None:  # no name repeats (the usual answer): one value each
        content_type, encoding = found
        body, b64 = encode(status, body, method, content_type and single[content_type], encoding and single[encoding])
        return {"statusCode": status, "headers": single, "multiValueHeaders": {}, "body": body, "isBase64Encoded": b64}
    single = {}
    multi = {}
    for name, values in group_headers(headers).items():
        if len(values) == 1:
            single[name] = values[0]
        else:
            multi[name] = values
    body, b64 = encode_body(response, method)
    return {"statusCode": status, "headers": single, "multiValueHeaders": multi, "body": body, "isBase64Encoded": b64}


# -- the commonest event, read straight off ---------------------------------------------------
# What API Gateway sends a browser or an API client on the execute-api domain: both header
# maps with one value per name, a plain ASCII path without escapes under the stage, query maps
# that agree and need no escaping, a standard method, a source IP. With an app as small as a
# one-route Flask app, each helper call of the general path is a measurable share of the
# request (bench/README.md), so read() takes those fields in one function; anything else (odd
# or malformed) it hands to read_general(), which judges it.

# The characters of a path that is its own raw form, as bytes: ``raw.translate(None, _PATH_PLAIN)``
# is empty when every byte is one of them (one C loop over the bytes, where a set lookup per
# character makes a one-character string each: as fast in bench/stages.py, and the raw path is
# needed anyway).
_PATH_PLAIN = "".join(sorted(r.PATH_ALLOWED - {"%"})).encode("ascii")
_STAGE_PLAIN = _PATH_PLAIN.replace(b"/", b"")  # a stage is one path segment: never "/" (nor empty)
_METHODS = {m: m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")}


class _Shape(tuple):
    """What a set of header names (as the event spells them, in order) tells once for all:
    (the lower-case names in the Request's order, the same plus "content-length", a callable
    picking the values in that order, a callable picking the Host, X-Forwarded-Proto and
    X-Forwarded-Port values, whether the last name is Cookie)."""

    __slots__ = ()


_last_server: tuple = ((), None)  # (forwarding values, (scheme, server)) of the last event


def _shape(names: tuple) -> _Shape | None:
    lowered = [name.lower() for name in names]
    joined = "".join(lowered)
    found = None
    if len(set(lowered)) == len(lowered) and r.TOKEN.issuperset(joined) and "" not in lowered:
        # Content-Length dropped, Cookie last: what r.headers() does
        order = [i for i, name in enumerate(lowered) if name not in ("content-length", "cookie")]
        order += [i for i, name in enumerate(lowered) if name == "cookie"]
        ordered = tuple(lowered[i] for i in order)
        forwarding = [lowered.index(n) if n in lowered else len(lowered) for n in ("host", "x-forwarded-proto", "x-forwarded-port")]
        found = _Shape(
            (ordered, (*ordered, "content-length"), _picker(order), itemgetter(*forwarding), "cookie" in lowered)
        )
    return found


_SHAPES = PerNameSet(_shape)


def _picker(order: list):
    """values -> tuple of the values at ``order`` (itemgetter returns a bare value for one index)."""
    if len(order) > 1:
        return itemgetter(*order)
    return lambda values: tuple([values[i] for i in order])


def read(event: dict) -> Request:
    """The Request for ``event``: the commonest event read straight off, any other by
    read_general() (tests/runtime/test_readers.py holds both equal)."""
    global _last_server
    try:
        rc = event["requestContext"]
        path = event["path"]
        names, values = _one_value_each(event["headers"], event.get("multiValueHeaders"))
        last_names, shape = _SHAPES.last  # the same names as the last event's, usually
        if names != last_names:
            shape = _SHAPES.lookup(names)
        raw = path.encode("ascii")  # UnicodeEncodeError (a ValueError): not ASCII
        if shape is None or raw.translate(None, _PATH_PLAIN) or path[0] != "/":
            raise _NotCommon
        stage = rc["stage"]
        prefix = "/" + stage
        if rc["path"] != prefix + path or not stage or stage.encode("ascii").translate(None, _STAGE_PLAIN):
            # not the execute-api domain (a custom domain, SAM local, a console test)
            prefix, in_path = mount_prefix(event, rc, path)
            if prefix.encode("ascii").translate(None, _PATH_PLAIN):
                raise _NotCommon
            if in_path:
                path = path[len(prefix) :] or "/"
                raw = path.encode("ascii")
        if not "".join(values).isascii():  # TypeError: a null value or not a string
            raise _NotCommon
        values.append(None)  # what the forwarding pick gives for a missing name
        header_names, with_length, pick, forwarding, cookie = shape
        header_values = pick(values)
        if cookie and not header_values[-1]:
            raise _NotCommon  # an empty Cookie header is no cookie: the general path drops it
        query = _query(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters"))
        method = _METHODS[event["httpMethod"]]
        source_ip = rc["identity"]["sourceIp"]
        if type(source_ip) is not str or "/" in source_ip or not source_ip or not source_ip.isascii():
            raise _NotCommon
        body = r.body(event) if event.get("body") is not None else b""
        forwarded = (*forwarding(values), rc.get("domainName"))  # Host, X-Forwarded-Proto and -Port
        last, found = _last_server  # the same as the last event's, usually
        if forwarded != last:
            found = r.server_from(*forwarded, "https")
            _last_server = forwarded, found
        scheme, server = found
        if body:
            header_names = with_length
            header_values = (*header_values, str(len(body)))
        fields = (method, prefix, path, raw, query, header_names, header_values, body, scheme, server, (source_ip, 0), NAME)
        return tuple.__new__(Request, fields)  # Request(*fields), without the keyword-taking __new__
    except (KeyError, TypeError, AttributeError, ValueError, IndexError, _NotCommon, MalformedEvent):
        pass  # odd or malformed: read_general() says what (outside this handler: no chained traceback)
    return read_general(event)


_QUERY_PLAIN = "".join(sorted(r.QUERY_ALLOWED)).encode("ascii")  # as _PATH_PLAIN


class _NotCommon(Exception):
    """Raised inside read() for an event it leaves to read_general()."""


def _one_value_each(single: dict, multi: dict | None) -> tuple[tuple, list]:
    """(names, values) of a single-value map and its multi-value twin (or None) when both
    name the same names with one value each (the multi-value map's names and values: it wins,
    API Gateway docs). TypeError, AttributeError or _NotCommon otherwise."""
    if multi is None or multi == {}:
        return tuple(single), [*single.values()]
    values = []
    for found in multi.values():
        match found:
            case [value]:  # an array of one value (never a string or a dict: not sequences here)
                values.append(value)
            case _:
                raise _NotCommon
    names = tuple(multi)
    if type(single) is not dict or tuple(single) != names:
        raise _NotCommon  # (names in another order: the general read takes them)
    return names, values


def _query(single, multi) -> bytes:
    """``k=v&k=v`` when both maps agree, one value per key, nothing to escape."""
    if single is None and multi is None:
        return b""
    if len(single) == 1 and type(multi) is dict and len(multi) == 1:  # the usual one parameter
        ((name, value),) = single.items()
        query = (name + "=" + value).encode("ascii")  # TypeError: a null value; ValueError: not ASCII
        # nothing to escape: only the "=" put between them is not a plain character
        if query.translate(None, _QUERY_PLAIN) != b"=" or multi.get(name) != [value]:
            raise _NotCommon
        return query
    names, values = _one_value_each(single, multi)
    plain = ("".join(names) + "".join(values)).encode("ascii")  # TypeError: a null
    if plain.translate(None, _QUERY_PLAIN):
        raise _NotCommon
    return "&".join(map("=".join, zip(names, values))).encode("ascii")
