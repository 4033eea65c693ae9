"""API Gateway HTTP API, payload format 2.0.

Request: ``rawPath`` (still percent-encoded; a named stage is IN it), ``rawQueryString``
(as sent), ``cookies[]`` (Cookie headers are moved there), ``headers`` (lower-case, repeated
values comma-joined), ``requestContext{http{method, sourceIp}, stage, domainName}``, ``body``,
``isBase64Encoded``. Response: ``statusCode``, ``headers`` (one value per name), ``cookies[]``,
``body``, ``isBase64Encoded``.
"""

from __future__ import annotations

from shoehorn.runtime.events import reading as r
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.events.rendering import encode_body, group_headers, method_of
from shoehorn.runtime.types import Request, Response

NAME = "http"
PAYLOAD_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous response limit


def detect(event: dict) -> bool:
    return event.get("version") == "2.0" and "requestContext" in event


def read(event: dict) -> Request:
    return read_v2(event, NAME)


def read_v2(event: dict, source: str) -> Request:
    """A payload 2.0 event (HTTP API or Function URL) as a Request."""
    rc = r.mapping(event.get("requestContext"), "requestContext")
    http = r.mapping(rc.get("http"), "requestContext.http")
    # rawPath, not requestContext.http.path: the latter loses the trailing slash (apig-wsgi #376).
    path = r.path(event.get("rawPath") or http.get("path"), "rawPath")
    raw = r.quote_path(path)
    decoded = unquote(path)
    prefix = ""
    stage = r.text(rc.get("stage"), "requestContext.stage")
    if source == "http" and stage and stage != "$default" and "/" not in stage:  # a stage name never holds "/"
        # A named stage is part of rawPath ("/Prod/my/path"; rust
        # apigw_v2_proxy_request_with_stage_in_path.json, serverless-wsgi #191, powertools #621).
        candidate = "/" + stage
        if decoded == candidate or decoded.startswith(candidate + "/"):
            prefix = candidate
    decoded, raw = r.strip_prefix(prefix, decoded, raw)
    query = r.text(event.get("rawQueryString"), "rawQueryString")
    if query.startswith("?"):
        query = query[1:]
    headers, lowered = r.headers(event.get("headers"), None, event.get("cookies"))
    body = r.body(event)
    names, values = r.with_content_length(headers, body)
    scheme, server = r.server_and_scheme(lowered, rc.get("domainName"), "https")
    return Request(
        method=r.method(http.get("method")),
        root_path=prefix,
        path=decoded,
        raw_path=raw,
        query_string=r.utf8(query, "rawQueryString"),
        header_names=names,
        header_values=values,
        body=body,
        scheme=scheme,
        server=server,
        client=r.client_address(http.get("sourceIp")),
        source=source,
    )


def render(response: Response, event: dict) -> dict:
    """Payload 2.0 response: every Set-Cookie in ``cookies[]`` (mangum #215), other repeated
    headers comma-joined (the only way a single-value map can carry them)."""
    body, b64 = encode_body(response, method_of(event, "requestContext", "http", "method"))
    headers: dict[str, str] = {}
    cookies = []
    for name, values in group_headers(response.headers).items():
        if name.lower() == "set-cookie":
            cookies.extend(values)
        else:
            headers[name] = ", ".join(values)
    result = {"statusCode": response.status, "headers": headers, "body": body, "isBase64Encoded": b64}
    if cookies:
        result["cookies"] = cookies
    return result
