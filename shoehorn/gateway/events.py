"""The events API Gateway REST (1.0), HTTP API (2.0), Function URLs and ALB send.

See the package docstring for how ``path`` maps onto stages and base paths.
"""

from __future__ import annotations

import base64
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import unquote, unquote_plus

SOURCES = ("rest", "http", "url", "alb")

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
API_ID = "abc123defg"
_DEFAULT_HOSTS = {
    "rest": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
    "http": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
    "url": f"{API_ID}lambdaurlid0000000000.lambda-url.{REGION}.on.aws",
    "alb": f"shoehorn-alb-1234567890.{REGION}.elb.amazonaws.com",
}
# Request bodies ALB, HTTP APIs and Function URLs pass as text; everything else is base64.
_TEXT_PREFIXES = ("text/",)
_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
)


def build_event(
    source: str,
    method: str,
    path: str,
    query_string: bytes | str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    stage: str = "prod",
    host: str | None = None,
    client_ip: str = "127.0.0.1",
    multi_value: bool = True,
    base_path: str | None = None,
) -> dict:
    """The Lambda event ``source`` sends for this HTTP request."""
    if source not in SOURCES:
        raise ValueError(f"unknown event source {source!r}: use one of {', '.join(SOURCES)}")
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    query_string = query_string.lstrip("?")
    path = path or "/"
    if not path.startswith("/"):
        path = "/" + path
    host = host or _header(headers, "host") or _DEFAULT_HOSTS[source]
    headers = [(k, v) for k, v in headers if k.lower() != "host"]
    method = method.upper()
    build = {"rest": _rest, "http": _v2, "url": _v2, "alb": _alb}[source]
    return build(
        source=source,
        method=method,
        path=path,
        query=query_string,
        headers=headers,
        body=body or b"",
        stage=stage,
        host=host,
        client_ip=client_ip,
        multi_value=multi_value,
        base_path=base_path,
    )


def _header(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _is_text(headers) -> bool:
    ct = (_header(headers, "content-type") or "").split(";")[0].strip().lower()
    if _header(headers, "content-encoding"):
        return False
    return ct.startswith(_TEXT_PREFIXES) or ct in _TEXT_TYPES or ct.endswith("+json")


def _now():
    now = time.time()
    stamp = datetime.fromtimestamp(now, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return stamp, int(now * 1000)


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"


def _forwarded(headers, host: str, client_ip: str, scheme: str, port: str):
    """Headers the front adds: Host, X-Forwarded-For (client appended), -Proto, -Port, trace id."""
    out = [("Host", host)]
    xff = None
    for key, value in headers:
        lk = key.lower()
        if lk == "x-forwarded-for":
            xff = value
        elif lk not in ("x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id"):
            out.append((key, value))
    out.append(("X-Amzn-Trace-Id", _trace_id()))
    out.append(("X-Forwarded-For", f"{xff}, {client_ip}" if xff else client_ip))
    out.append(("X-Forwarded-Port", port))
    out.append(("X-Forwarded-Proto", scheme))
    return out


def _rest(*, method, path, query, headers, body, stage, host, client_ip, base_path, **_):
    stamp, epoch = _now()
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
    headers = _forwarded(headers, host, client_ip, "https", "443")
    single, multi = _single_and_multi(headers)
    pairs = _parse_query(query, decode=True)
    qs_single = {k: v for k, v in pairs} or None
    qs_multi = _group(pairs) or None
    # shoehorn's REST API sets binaryMediaTypes ["*/*"], so every body arrives base64-encoded
    encoded = base64.b64encode(body).decode("ascii") if body else None
    return {
        "resource": resource,
        "path": event_path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": qs_single,
        "multiValueQueryStringParameters": qs_multi,
        "pathParameters": {"proxy": unquote(proxy)} if proxy else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": uuid.uuid4().hex[:16] + "=",
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
                "userAgent": _header(headers, "user-agent"),
                "user": None,
            },
            "domainName": host,
            "apiId": API_ID,
        },
        "body": encoded,
        "isBase64Encoded": bool(body),
    }


def _v2(*, source, method, path, query, headers, body, stage, host, client_ip, **_):
    stamp, epoch = _now()
    if source == "http" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
        event_stage = stage  # a named stage stays in rawPath
    else:
        event_stage = "$default"
    cookies = []
    merged: dict[str, str] = {}
    for key, value in _forwarded(headers, host, client_ip, "https", "443"):
        lk = key.lower()
        if lk == "cookie":
            # Cookie headers move to cookies[] (HTTP API docs, payload format 2.0)
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            # repeated headers are comma-joined (ag-v2-header-custom-multivalue.json)
            merged[lk] = f"{merged[lk]},{value}" if lk in merged else value
    pairs = _parse_query(query, decode=True)
    qs = {}
    for k, v in pairs:
        qs[k] = f"{qs[k]},{v}" if k in qs else v
    prefix = host.split(".")[0]
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
    }
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
        text = _is_text(headers)
        event["body"] = body.decode("utf-8") if text and _utf8(body) else base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = not (text and _utf8(body))
    else:
        event["isBase64Encoded"] = False
    return event


def _alb(*, method, path, query, headers, body, host, client_ip, multi_value, **_):
    fwd = _forwarded(headers, host, client_ip, "http", "80")
    lower = [(k.lower(), v) for k, v in fwd]
    pairs = _parse_query(query, decode=False)  # ALB does NOT decode query values (ELB docs)
    text = _is_text(headers) and _utf8(body)
    event = {
        "requestContext": {
            "elb": {
                "targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:"
                "targetgroup/shoehorn/0123456789abcdef"
            }
        },
        "httpMethod": method,
        "path": path,
    }
    if multi_value:
        event["multiValueQueryStringParameters"] = _group(pairs)
        event["multiValueHeaders"] = _group(lower)
    else:
        # last value wins in single-value mode (ELB docs, lambda-functions.md)
        event["queryStringParameters"] = {k: v for k, v in pairs}
        event["headers"] = {k: v for k, v in lower}
    event["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode("ascii")
    event["isBase64Encoded"] = bool(body) and not text
    return event


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse_query(query: str, *, decode: bool) -> list[tuple[str, str]]:
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if decode:
            key, value = unquote_plus(key), unquote_plus(value)
        pairs.append((key, value))
    return pairs


def _group(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _single_and_multi(headers):
    multi: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for key, value in headers:
        name = spelled.setdefault(key.lower(), key)
        multi.setdefault(name, []).append(value)
    return {k: v[-1] for k, v in multi.items()}, multi
