"""Application Load Balancer: the event it sends a Lambda target, how it reads the answer, its errors.

Headers come in one mode per target group (``multi_value``: ``lambda.multi_value_headers.enabled``,
false unless set, as on a new target group); query values are NOT decoded (ELB docs, lambda-functions.md).
"""

from __future__ import annotations

import base64

from shoehorn.gateway.common import (
    ACCOUNT_ID,
    REGION,
    MalformedResponse,
    SourceErrors,
    body_of,
    check_keys,
    forwarded,
    group,
    headers_of,
    html_error,
    is_text,
    parse_query,
    utf8,
)

NAME = "alb"
DEFAULT_HOST = f"shoehorn-alb-1234567890.{REGION}.elb.amazonaws.com"
# "The load balancer waits until your Lambda function responds or times out", and a function that
# times out is a 502; a Lambda target takes request bodies up to 1 MB (ELB docs: lambda-functions,
# load-balancer-troubleshooting).
ERRORS = SourceErrors(
    failed=html_error(502, "Bad Gateway"),
    timeout=html_error(504, "Gateway Time-out"),
    throttled=html_error(503, "Service Temporarily Unavailable"),
    too_large=html_error(413, "Request Entity Too Large"),
    timeout_s=None,
    max_request_bytes=1024 * 1024,
)
_ALLOWED = {"statusCode", "statusDescription", "headers", "multiValueHeaders", "body", "isBase64Encoded"}


def build_event(*, method, path, query, headers, body, host, client_ip, multi_value=False, listener=None, **_) -> dict:
    # an HTTPS listener says so in X-Forwarded-Proto/-Port (ELB docs, "HTTP headers and Application Load Balancers")
    scheme, port = listener or ("http", 80)
    lower = [(k.lower(), v) for k, v in forwarded(headers, host, client_ip, scheme, str(port), keep_connection=True)]
    pairs = parse_query(query, decode=False)  # ALB does NOT decode query values (ELB docs)
    text = is_text(headers) and utf8(body)
    event = {
        "requestContext": {
            "elb": {"targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/shoehorn/0123456789abcdef"}
        },
        "httpMethod": method,
        "path": path,
    }
    if multi_value:
        event["multiValueQueryStringParameters"] = group(pairs)
        event["multiValueHeaders"] = group(lower)
    else:
        # last value wins in single-value mode (ELB docs, lambda-functions.md)
        event["queryStringParameters"] = {k: v for k, v in pairs}
        event["headers"] = {k: v for k, v in lower}
    event["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode("ascii")
    event["isBase64Encoded"] = bool(body) and not text
    return event


def read_response(result) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) the client gets; MalformedResponse where the ALB answers 502."""
    if not isinstance(result, dict):
        raise MalformedResponse(f"a {NAME} proxy response must be a JSON object, got {type(result).__name__}")
    check_keys(NAME, result, _ALLOWED)
    if type(result.get("statusCode")) is not int:
        raise MalformedResponse(f"ALB needs an integer statusCode, got {result.get('statusCode')!r}")
    status = result["statusCode"]
    if not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode must be an HTTP status (100-599), got {status!r}")
    return status, headers_of(result), body_of(result)
