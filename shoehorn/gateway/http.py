"""API Gateway HTTP API (payload 2.0): the event it sends, how it reads the answer, its errors.

``rawPath`` is the URL path; a named stage stays in it (``/prod/users``), a URL without the
stage is the ``$default`` stage. Function URLs send the same shape (``shoehorn.gateway.url``).
"""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import unquote

from shoehorn.gateway.common import (
    ACCOUNT_ID,
    API_ID,
    REGION,
    MalformedResponse,
    SourceErrors,
    body_of,
    check_keys,
    forwarded,
    headers_of,
    is_text,
    json_error,
    now,
    parse_query,
    set_cookies,
    status_of,
    utf8,
)

NAME = "http"
DEFAULT_HOST = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
# HTTP API answers 500 "Internal Server Error" and 503 "Service Unavailable".
ERRORS = SourceErrors(
    failed=json_error(500, "Internal Server Error"),
    timeout=json_error(503, "Service Unavailable"),
    throttled=json_error(429, "Too Many Requests"),
    too_large=json_error(413, "Request Entity Too Large"),
    timeout_s=30.0,  # HTTP API's maximum integration timeout (API Gateway quotas: "30 seconds")
)
ALLOWED = {"statusCode", "headers", "multiValueHeaders", "cookies", "body", "isBase64Encoded"}


def build_event(*, method, path, query, headers, body, stage, host, client_ip, source=NAME, **_) -> dict:
    stamp, epoch = now()
    if source == "http" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
        event_stage = stage  # a named stage stays in rawPath
    else:
        event_stage = "$default"
    cookies = []
    merged: dict[str, str] = {}
    for key, value in forwarded(headers, host, client_ip, "https", "443"):
        lk = key.lower()
        if lk == "cookie":
            # Cookie headers move to cookies[] (HTTP API docs, payload format 2.0)
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            # repeated headers are comma-joined (ag-v2-header-custom-multivalue.json)
            merged[lk] = f"{merged[lk]},{value}" if lk in merged else value
    qs: dict[str, str] = {}
    for k, v in parse_query(query, decode=True):
        qs[k] = f"{qs[k]},{v}" if k in qs else v
    prefix = host.split(".")[0]
    event = {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = merged
    if qs:
        event["queryStringParameters"] = qs
    event["requestContext"] = {
        "accountId": "anonymous" if source == "url" else ACCOUNT_ID,
        "apiId": prefix,
        "domainName": host,
        "domainPrefix": prefix,
        "http": {
            "method": method,
            "path": unquote(path),
            "protocol": "HTTP/1.1",
            "sourceIp": client_ip,
            "userAgent": merged.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": event_stage,
        "time": stamp,
        "timeEpoch": epoch,
    }
    if body:
        text = is_text(headers) and utf8(body)
        event["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = not text
    else:
        event["isBase64Encoded"] = False
    return event


def read_response(result, source: str = NAME) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) the client gets; MalformedResponse where the front answers 502."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # payload 2.0: a value without statusCode is itself the JSON body (HTTP API docs)
        try:
            body = json.dumps(result).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise MalformedResponse(f"the function returned a value that is not JSON: {exc}") from exc
        return 200, [("content-type", "application/json")], body
    check_keys(source, result, ALLOWED)
    # payload 2.0 answers carry headers and cookies; a multiValueHeaders key is accepted and ignored
    # (HTTP API docs' response format; Function URLs: serverless-express #554)
    headers = headers_of(result, multi_value=False)
    headers.extend(set_cookies(result))
    return status_of(source, result), headers, body_of(result)
