"""API Gateway REST API (payload 1.0): the event it sends, how it reads the answer, its errors.

On an execute-api host the URL starts with the stage (``/prod/users``): the event's ``path``
lacks it and ``requestContext.path`` has it (LocalStack PR 12296). With ``base_path`` (custom
domain with a base-path mapping) both include the base path and the stage is only in
``requestContext.stage``. A URL that does not start with the stage is sent as SAM local does
(stage in neither path).
"""

from __future__ import annotations

import base64
import os
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
    group,
    header,
    headers_of,
    json_error,
    now,
    parse_query,
    status_of,
)

NAME = "rest"
DEFAULT_HOST = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
# 502 "Internal server error" and 504 "Endpoint request timed out" are what execute-api returns.
# A throttled Lambda is an integration failure to a REST API: the client gets 500, never 429
# (AWS on re:Post "API Gateway proxy integration does not forward Lambda throttling"; SO 36363280).
# A REST API's ANY method stands for these seven and no others ("Set up a method": ANY is "a single API
# method setup for all of the supported HTTP methods of DELETE, GET, HEAD, OPTIONS, PATCH, POST, and PUT";
# PutMethod's httpMethod takes no other). A request with another method (WebDAV's PROPFIND, REPORT,
# MKCOL...) matches no method of the resource, which execute-api answers 403 "Missing Authentication
# Token" (its MISSING_AUTHENTICATION_TOKEN gateway response) without calling the function.
METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})
ERRORS = SourceErrors(
    failed=json_error(502, "Internal server error"),
    timeout=json_error(504, "Endpoint request timed out"),
    throttled=json_error(500, "Internal server error"),
    too_large=json_error(413, "Request Too Long"),
    no_stage=json_error(403, "Forbidden"),
    methods=METHODS,
    no_method=json_error(403, "Missing Authentication Token"),
)
_ALLOWED = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
# Headers of a Lambda proxy answer that a REST API does not send as they are: each goes out renamed
# `x-amzn-Remapped-<name>`, and the API sends its own Date, Content-Length, Connection and Server
# ("header remapping" in API Gateway's notes; the names as LocalStack's REST API front recorded
# them against AWS for AWS_PROXY integrations, localstack PR 11237). An app that sets Date or a
# Content-Length of its own sees it renamed on AWS: the local fronts do the same.
_REMAPPED = {name.lower(): f"x-amzn-Remapped-{name}" for name in ("Connection", "Content-Length", "Date", "Server")}


def build_event(*, method, path, query, headers, body, stage, host, client_ip, base_path=None, **_) -> dict:
    stamp, epoch = now()
    full = path
    if base_path is not None:
        # custom domain with a base-path mapping: both paths include it (powertools #576)
        base = "/" + base_path.strip("/") if base_path.strip("/") else ""
        if base and not (path == base or path.startswith(base + "/")):
            raise ValueError(f"path {path!r} is outside the base-path mapping {base!r}")
        event_path = rc_path = path
        app_path = path[len(base) :] or "/"
    elif path == f"/{stage}" or path.startswith(f"/{stage}/"):
        # execute-api host: `path` lacks the stage, requestContext.path has it
        event_path = path[len(stage) + 1 :] or "/"
        rc_path = full
        app_path = event_path
    else:
        # no stage in the URL (custom domain without mapping, SAM local)
        event_path = rc_path = app_path = path
    proxy = app_path.strip("/")
    resource = "/{proxy+}" if proxy else "/"
    headers = forwarded(headers, host, client_ip, "https", "443")
    single, multi = _single_and_multi(headers)
    pairs = parse_query(query, decode=True)
    # shoehorn's REST API sets binaryMediaTypes ["*/*"], so every body arrives base64-encoded
    encoded = base64.b64encode(body).decode("ascii") if body else None
    return {
        "resource": resource,
        "path": event_path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v for k, v in pairs} or None,
        "multiValueQueryStringParameters": group(pairs) or None,
        "pathParameters": {"proxy": unquote(proxy)} if proxy else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": os.urandom(8).hex() + "=",
            "requestTime": stamp,
            "path": rc_path,
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": host.split(".")[0],
            "requestTimeEpoch": epoch,
            "requestId": str(uuid.uuid4()),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": client_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": header(headers, "user-agent"),
                "user": None,
            },
            "domainName": host,
            "apiId": API_ID,
        },
        "body": encoded,
        "isBase64Encoded": bool(body),
    }


def read_response(result) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) the client gets; MalformedResponse where REST answers 502."""
    if not isinstance(result, dict):
        raise MalformedResponse(f"a {NAME} proxy response must be a JSON object, got {type(result).__name__}")
    check_keys(NAME, result, _ALLOWED)
    headers = [(_REMAPPED.get(name.lower(), name), value) for name, value in headers_of(result)]
    return status_of(NAME, result), headers, body_of(result)


def _single_and_multi(headers):
    multi: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for key, value in headers:
        name = spelled.setdefault(key.lower(), key)
        multi.setdefault(name, []).append(value)
    return {k: v[-1] for k, v in multi.items()}, multi
