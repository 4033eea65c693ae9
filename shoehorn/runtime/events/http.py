"""API Gateway HTTP API, payload format 2.0.

Request: ``rawPath`` (still percent-encoded; a named stage is IN it), ``rawQueryString``
(as sent), ``cookies[]`` (Cookie headers are moved there), ``headers`` (lower-case, repeated
values comma-joined), ``requestContext{http{method, sourceIp}, stage, domainName}``, ``body``,
``isBase64Encoded``. Response: ``statusCode``, ``headers`` (one value per name), ``cookies[]``,
``body``, ``isBase64Encoded``.
"""

from __future__ import annotations

from shoehorn.runtime import events as _e
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.types import Request, Response


def detect(event: dict) -> bool:
    return event.get("version") == "2.0" and "requestContext" in event


def parse(event: dict) -> Request:
    return parse_v2(event, "http")


def parse_v2(event: dict, source: str) -> Request:
    rc = event.get("requestContext") or {}
    http = rc.get("http") or {}
    # rawPath, not requestContext.http.path: the latter loses the trailing slash (apig-wsgi #376).
    path = event.get("rawPath") or http.get("path") or "/"
    raw = _e.quote_path(path)
    decoded = unquote(path)
    prefix = ""
    stage = rc.get("stage")
    if source == "http" and stage and stage != "$default":
        # A named stage is part of rawPath ("/Prod/my/path"; rust
        # apigw_v2_proxy_request_with_stage_in_path.json, serverless-wsgi #191, powertools #621).
        candidate = "/" + stage
        if decoded == candidate or decoded.startswith(candidate + "/"):
            prefix = candidate
    decoded, raw = _e.strip_prefix(prefix, decoded, raw)
    query = event.get("rawQueryString") or ""
    if query.startswith("?"):
        query = query[1:]
    headers, lowered = _e.collect_headers(event.get("headers"), None, event.get("cookies"))
    body = _e.decode_body(event)
    scheme, server = _e.server_and_scheme(
        lowered.get("host"), lowered.get("x-forwarded-proto"), lowered.get("x-forwarded-port"), rc.get("domainName"), "https"
    )
    return Request(
        method=(http.get("method") or "GET").upper(),
        root_path=prefix,
        path=decoded,
        raw_path=raw,
        query_string=query.encode("utf-8"),
        headers=_e.with_content_length(headers, body),
        body=body,
        scheme=scheme,
        server=server,
        client=_e.client_address(http.get("sourceIp")),
        source=source,
    )


def render(response: Response, event: dict) -> dict:
    """Payload 2.0 response: every Set-Cookie in ``cookies[]`` (mangum #215), other repeated
    headers comma-joined (the only way a single-value map can carry them)."""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method") or "GET"
    body, b64 = _e.encode_response_body(response, method)
    headers: dict[str, str] = {}
    cookies = []
    for name, values in _e.group_headers(response.headers).items():
        if name.lower() == "set-cookie":
            cookies.extend(values)
        else:
            headers[name] = ", ".join(values) if len(values) > 1 else values[0]
    result = {
        "statusCode": response.status,
        "headers": headers,
        "body": body,
        "isBase64Encoded": b64,
    }
    if cookies:
        result["cookies"] = cookies
    return result
