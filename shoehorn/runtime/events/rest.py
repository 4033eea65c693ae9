"""API Gateway REST API (payload 1.0) — also HTTP API events sent in payload format 1.0.

Request: ``httpMethod``, ``path``, ``headers``/``multiValueHeaders``,
``queryStringParameters``/``multiValueQueryStringParameters`` (values already DECODED),
``requestContext{path, stage, identity.sourceIp, domainName}``, ``body``, ``isBase64Encoded``.
Response: ``statusCode``, ``headers``, ``multiValueHeaders``, ``body``, ``isBase64Encoded``
(any other key, e.g. ``statusDescription``, makes REST answer 502: apig-wsgi 2.1.1).
"""

from __future__ import annotations

from shoehorn.runtime.events import reading as r
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.events.rendering import encode_body, group_headers, method_of
from shoehorn.runtime.types import Request, Response

NAME = "rest"
PAYLOAD_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous response limit


def detect(event: dict) -> bool:
    return "httpMethod" in event and event.get("version") != "2.0" and ("requestContext" in event or "resource" in event)


def read(event: dict) -> Request:
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
    scheme, server = r.server_and_scheme(lowered, rc.get("domainName"), "https")
    return Request(
        method=r.method(event.get("httpMethod")),
        root_path=prefix,
        path=decoded,
        raw_path=raw,
        query_string=r.encode_query(pairs) if pairs else b"",
        headers=r.with_content_length(headers, body),
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
        if q.endswith(p) and q[: len(q) - len(p)].startswith("/"):
            return q[: len(q) - len(p)], False
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
    body, b64 = encode_body(response, method_of(event, "httpMethod"))
    single = {}
    multi = {}
    for name, values in group_headers(response.headers).items():
        if len(values) == 1:
            single[name] = values[0]
        else:
            multi[name] = values
    return {"statusCode": response.status, "headers": single, "multiValueHeaders": multi, "body": body, "isBase64Encoded": b64}
