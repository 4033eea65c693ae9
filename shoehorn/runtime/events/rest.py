"""API Gateway REST API (payload 1.0) — also HTTP API events sent in payload format 1.0.

Request: ``httpMethod``, ``path``, ``headers``/``multiValueHeaders``,
``queryStringParameters``/``multiValueQueryStringParameters`` (values already DECODED),
``requestContext{path, stage, identity.sourceIp, domainName}``, ``body``, ``isBase64Encoded``.
Response: ``statusCode``, ``headers``, ``multiValueHeaders``, ``body``, ``isBase64Encoded``
(any other key, e.g. ``statusDescription``, makes REST answer 502: apig-wsgi 2.1.1).
"""

from __future__ import annotations

from operator import itemgetter

from shoehorn.runtime import events as _e
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.types import Request, Response


def detect(event: dict) -> bool:
    return "httpMethod" in event and ("requestContext" in event or "resource" in event)


def parse(event: dict) -> Request:
    rc = event.get("requestContext") or {}
    path = event.get("path") or "/"
    raw = _e.quote_path(path)
    decoded = unquote(path)
    prefix, in_path = mount_prefix(event, rc, decoded)
    if in_path:
        decoded, raw = _e.strip_prefix(prefix, decoded, raw)
    single = event.get("queryStringParameters")
    multi = event.get("multiValueQueryStringParameters")
    query = _e.encode_query(_e.multi_value_pairs(single, multi)) if single or multi else b""
    headers, lowered = _e.collect_headers(event.get("headers"), event.get("multiValueHeaders"))
    body = _e.decode_body(event) if event.get("body") else b""
    scheme, server = _e.server_and_scheme(
        lowered.get("host"), lowered.get("x-forwarded-proto"), lowered.get("x-forwarded-port"), rc.get("domainName"), "https"
    )
    source_ip = (rc.get("identity") or {}).get("sourceIp")
    return Request(
        (event.get("httpMethod") or "GET").upper(),
        prefix,
        decoded,
        raw,
        query,
        _e.with_content_length(headers, body),
        body,
        scheme,
        server,
        _e.client_address(source_ip),
        "rest",
    )


def common(event: dict):
    """The commonest REST event, read straight off the event, or None for anything else.

    What the drivers' shortcuts (``wsgi.rest_environ``, ``asgi.rest_scope``) start from: a
    plain ASCII path without escapes, headers whose single- and multi-value maps agree with one
    value per name, and a body that decodes. Returns (method, root_path, path, query, body,
    headers as sent, requestContext). Anything else (or anything odd) is None, and the caller
    takes ``parse``, which handles it; each driver checks its header values on its own. The
    shortcut's whole point is speed: with an app as small as a one-route Flask app, every
    helper call on the way costs a measurable share of the request (bench/README.md).
    """
    rc = event.get("requestContext")
    single = event.get("headers")
    path = event.get("path") or "/"
    if type(rc) is not dict or type(single) is not dict or type(path) is not str:
        return None
    if "%" in path or not _PATH_ASCII.issuperset(path):
        return None
    multi = event.get("multiValueHeaders")
    if multi is not None and (
        type(multi) is not dict
        or single.keys() != multi.keys()
        or (multi and set(map(len, multi.values())) != _ONE)  # one value per name
    ):
        return None
    prefix = STAGES.get(rc.get("stage")) or stage_prefix(rc.get("stage"))
    if not prefix or rc.get("path") != prefix + path:
        found = other_prefix(event, rc, path)  # not the execute-api domain
        if found is None:
            return None
        prefix, path = found
    try:
        query = _query(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters"))
        body = _e.decode_body(event) if event.get("body") else b""
        method = (event.get("httpMethod") or "GET").upper()
    except Exception:  # malformed: parse() reports it
        return None
    return method, prefix, path, query, body, single, rc


STAGES: dict[str, str] = {}  # stage -> its prefix, or ""


def stage_prefix(stage) -> str:
    """"/" + stage: on the execute-api domain ``requestContext.path`` is that + ``path``, and
    mount_prefix finds exactly that prefix then (LocalStack PR 12296 reproduces AWS); "" when
    there is no stage or it has characters mount_prefix would decode. The shortcuts look it up
    in ``STAGES`` first (this is the miss)."""
    prefix = "/" + stage if stage and _PATH_ASCII.issuperset(stage) and "/" not in stage else ""
    if len(STAGES) < 64:  # bounded: an API has a few stages
        STAGES[stage] = prefix
    return prefix


def other_prefix(event: dict, rc: dict, path: str) -> tuple[str, str] | None:
    """(prefix, app path) for the shortcuts when ``requestContext.path`` is not simply the
    stage + ``path`` (custom domains, trailing slashes); None when the prefix is not ASCII."""
    prefix, in_path = mount_prefix(event, rc, path)
    if in_path:
        path = path[len(prefix) :] or "/"
    return (prefix, path) if prefix.isascii() else None


def _query(single, multi) -> bytes:
    """What ``encode_query(multi_value_pairs(single, multi))`` gives, in bulk when both maps
    agree with one value per key and nothing needs escaping."""
    if not multi:
        return _e.encode_query(_e.multi_value_pairs(single, multi)) if single else b""
    try:
        if single.keys() == multi.keys() and set(map(len, multi.values())) == _ONE:
            values = list(map(_FIRST, multi.values()))
            if _QUERY_PLAIN.issuperset("".join(multi) + "".join(values)):
                return "&".join(map("=".join, zip(multi, values))).encode("ascii")
    except (TypeError, AttributeError):  # null values, maps of another type: the helpers know
        pass
    return _e.encode_query(_e.multi_value_pairs(single, multi))


# ASCII characters a path may hold as-is (RFC 3986 pchar and "/"): such a path is its own raw form.
_PATH_ASCII = _e._PATH_ALLOWED - {"%"}
_QUERY_PLAIN = _e._QUERY_ALLOWED  # characters encode_query leaves as they are
_ONE = {1}
_FIRST = itemgetter(0)
_TEXT = _e._TEXT  # Content-Type -> sent as text (is_text_type's cache)


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
    rc_path = rc.get("path")
    if not rc_path:
        return "", False
    rc_path = unquote(rc_path)
    p = path.rstrip("/")
    r = rc_path.rstrip("/")
    if r != p:
        # rc.path may lose the trailing slash (powertools apiGatewayProxyEventPathTrailingSlash.json)
        if r.endswith(p) and r[: len(r) - len(p)].startswith("/"):
            return r[: len(r) - len(p)], False
        return "", False
    app_path = _fill_resource(event.get("resource"), event.get("pathParameters"))
    if app_path is None:
        return "", False
    a = app_path.rstrip("/")
    if a and p.endswith(a) and p[: len(p) - len(a)].startswith("/"):
        return p[: len(p) - len(a)], True
    if not a and p.startswith("/"):  # the root resource "/" under a base path
        return p, True
    return "", False


def _fill_resource(resource, params) -> str | None:
    """``/{proxy+}`` + ``{"proxy": "a/b"}`` -> ``/a/b``; None when it cannot be filled."""
    if not resource or "{" not in resource:
        return resource or None
    params = params or {}
    out = []
    for segment in resource.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            value = params.get(segment[1:-1].rstrip("+"))
            if value is None:
                return None
            out.append(value.strip("/"))
        else:
            out.append(segment)
    return "/".join(out)


def render(response: Response, event: dict) -> dict:
    """REST proxy response: single-valued names in ``headers``, repeated ones (every
    Set-Cookie) in ``multiValueHeaders`` — never comma-joined (Expires has a comma)."""
    return render_parts(response.status, response.headers, response.body, event.get("httpMethod") or "GET")


# Response header names as the app spelled them, in order -> (how it spelled Content-Type,
# Content-Encoding, or None); False when a name repeats (in any case).
_RESPONSE_SHAPES: dict[tuple, tuple | bool] = {}


def _response_shape(names: tuple):
    lowered = [name.lower() for name in names]
    spelled = dict(zip(lowered, names))
    found = (spelled.get("content-type"), spelled.get("content-encoding")) if len(spelled) == len(names) else False
    if len(_RESPONSE_SHAPES) < 256:  # bounded: apps may send any names
        _RESPONSE_SHAPES[names] = found
    return found


def render_parts(status: int, headers, body: bytes, method: str) -> dict:
    """``render`` from the response's parts (the WSGI driver's one-step path has no Response)."""
    single = dict(headers)
    if len(single) == len(headers):  # no name repeated exactly; in another case, the shape says
        names = tuple(single)
        shape = _RESPONSE_SHAPES.get(names)
        if shape is None:
            shape = _response_shape(names)
        if shape:  # the usual answer, in bulk
            content_type, encoding = shape
            content_type = single.get(content_type)
            if encoding is None and _TEXT.get(content_type) and status == 200 and method != "HEAD":
                try:  # what encode_body decides for the commonest answer, without the calls
                    return {"statusCode": 200, "headers": single, "multiValueHeaders": {}, "body": body.decode(), "isBase64Encoded": False}
                except UnicodeDecodeError:
                    pass
            body, b64 = _e.encode_body(body, status, method, content_type, single.get(encoding))
            return {"statusCode": status, "headers": single, "multiValueHeaders": {}, "body": body, "isBase64Encoded": b64}
    body, b64 = _e.encode_response_body(Response(status, headers, body), method)
    single = {}
    multi = {}
    for name, values in _e.group_headers(headers).items():
        if len(values) == 1:
            single[name] = values[0]
        else:
            multi[name] = values
    return {
        "statusCode": status,
        "headers": single,
        "multiValueHeaders": multi,
        "body": body,
        "isBase64Encoded": b64,
    }
