"""What the gateway modules share: the error answers, the headers a front adds, query parsing."""

from __future__ import annotations

import functools
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote_plus

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
API_ID = "abc123defg"


class MalformedResponse(ValueError):
    """The function's answer is not a valid proxy response: AWS would answer 502."""


@dataclass(frozen=True, slots=True)
class GatewayError:
    """How one source answers one kind of failure (status + body it sends)."""

    status: int
    body: bytes
    content_type: str = "application/json"


def json_error(status: int, message: str) -> GatewayError:
    return GatewayError(status, json.dumps({"message": message}).encode())


def html_error(status: int, reason: str) -> GatewayError:
    # ALB answers its own errors with a small HTML page (elb troubleshooting docs).
    page = f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center></body></html>"
    return GatewayError(status, page.encode(), "text/html")


@dataclass(frozen=True, slots=True)
class SourceErrors:
    """What one front answers when the function fails, times out, is throttled, or the request is too big."""

    failed: GatewayError  # function error, crash, init failure, malformed proxy response
    timeout: GatewayError  # the front's own integration timeout (``timeout_s``)
    throttled: GatewayError
    too_large: GatewayError  # request payload over ``max_request_bytes``
    no_stage: GatewayError | None = None  # REST only: a URL outside the stage
    # REST only: the methods it forwards (ANY's), and its answer to any other (WebDAV's PROPFIND...),
    # which reaches no function. None: the front's own HTTP server decides, as before.
    methods: frozenset[str] | None = None
    no_method: GatewayError | None = None
    # The front gives up after this long; None: it has no limit of its own and waits for the
    # function, whose own timeout ends it (Function URLs, ALB).
    timeout_s: float | None = 29.0
    max_request_bytes: int = 10 * 1024 * 1024


# Request bodies ALB, HTTP APIs and Function URLs pass as text; everything else is base64.
_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
)


def header(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def is_text(headers) -> bool:
    ct = (header(headers, "content-type") or "").split(";")[0].strip().lower()
    if header(headers, "content-encoding"):
        return False
    return ct.startswith("text/") or ct in _TEXT_TYPES or ct.endswith("+json")


def utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def now():
    now = time.time()
    return _request_time(int(now)), int(now * 1000)


@functools.lru_cache(maxsize=1)
def _request_time(second: int) -> str:
    # formatted once a second, not once a request: the local fronts build an event per request
    return datetime.fromtimestamp(second, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")


def trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()}"  # 96 random bits, as X-Ray's


# Hop-by-hop headers (RFC 9110 7.6.1) describe the client's connection to the front, not the request:
# no event captured from API Gateway or a Function URL carries Connection, Keep-Alive or
# Transfer-Encoding (tests/conformance/events: REST and HTTP API events from AWS's docs and
# Powertools), while ALB's do carry Connection (albEvent.json).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"})


def forwarded(headers, host: str, client_ip: str, scheme: str, port: str, *, keep_connection: bool = False):
    """Headers the front adds: Host, X-Forwarded-For (client appended), -Proto, -Port, trace id;
    without the hop-by-hop ones (ALB's front keeps Connection: ``keep_connection``)."""
    out = [("Host", host)]
    xff = None
    for key, value in headers:
        lk = key.lower()
        if lk == "x-forwarded-for":
            xff = value
        elif lk in HOP_BY_HOP and not (keep_connection and lk == "connection"):
            continue
        elif lk not in ("x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id"):
            out.append((key, value))
    out.append(("X-Amzn-Trace-Id", trace_id()))
    out.append(("X-Forwarded-For", f"{xff}, {client_ip}" if xff else client_ip))
    out.append(("X-Forwarded-Port", port))
    out.append(("X-Forwarded-Proto", scheme))
    return out


def parse_query(query: str, *, decode: bool) -> list[tuple[str, str]]:
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if decode:
            key, value = unquote_plus(key), unquote_plus(value)
        pairs.append((key, value))
    return pairs


def group(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def check_keys(source: str, result: dict, allowed: set) -> None:
    extra = set(result) - allowed
    if extra:
        raise MalformedResponse(f"a {source} proxy response may not contain {sorted(extra)} (API Gateway answers 502)")


def status_of(source: str, result: dict) -> int:
    status = result.get("statusCode")
    if isinstance(status, str) and status.isascii() and status.isdigit():  # "200" counts; "²" or "٢٠٠" do not
        status = int(status)
    if type(status) is not int or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode must be an HTTP status (100-599), got {status!r}")
    return status


def headers_of(result: dict, *, multi_value: bool = True) -> list[tuple[str, str]]:
    """Both header maps as (name, value) pairs: when both name a header, only
    multiValueHeaders counts (API Gateway docs). Values are trimmed as the fronts do (RFC 9110
    5.5); a value with CR/LF cannot be sent: the front answers 502. ``multi_value`` False: the
    front reads ``headers`` only (payload 2.0 has no multiValueHeaders)."""
    headers: list[tuple[str, str]] = []
    multi = (result.get("multiValueHeaders") or {}) if multi_value else {}
    single = result.get("headers") or {}
    if not isinstance(multi, dict) or not isinstance(single, dict):
        raise MalformedResponse("headers and multiValueHeaders must be JSON objects")
    multi_names = {k.lower() for k in multi}
    for key, value in single.items():
        if key.lower() in multi_names:
            continue
        if not isinstance(value, (str, int, float, bool)):
            raise MalformedResponse(f"header {key!r} must be a string, got {value!r}")
        headers.append((key, _scalar(value)))
    for key, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{key!r}] must be a list, got {values!r}")
        headers.extend((key, _scalar(v)) for v in values)
    return [(key, _field_value(key, value)) for key, value in headers]


def set_cookies(result: dict) -> list[tuple[str, str]]:
    """Payload 2.0's ``cookies``: a list of strings, each one Set-Cookie header."""
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(cookie, str) for cookie in cookies):
        raise MalformedResponse(f"cookies must be a list of strings, got {cookies!r:.100}")
    return [("set-cookie", _field_value("set-cookie", cookie)) for cookie in cookies]


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def has_control_character(value: str) -> bool:
    """Whether a header value holds a control character other than tab (RFC 9110 5.5): CR/LF
    would split the message, so no front sends it."""
    return _CONTROL.search(value) is not None


# RFC 9110 5.6.2: a header name is a token; no front can send another (CR/LF would split the message)
_TOKEN = re.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# a lone surrogate (JSON's "\\udcff") is no character: it cannot be sent as UTF-8
_SURROGATE = re.compile("[\ud800-\udfff]")


def _field_value(name: str, value: str) -> str:
    if _TOKEN.fullmatch(name) is None:
        raise MalformedResponse(f"header name {name!r} is not an HTTP token")
    if has_control_character(value) or _SURROGATE.search(value) is not None:
        raise MalformedResponse(f"header {name!r} has a control character or a lone surrogate in its value {value!r}")
    return value.strip(" \t")


def body_of(result: dict) -> bytes:
    import base64
    import binascii

    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    if result.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponse("isBase64Encoded is true but body is not valid base64") from exc
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MalformedResponse("body holds a lone surrogate, which is not text") from exc


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
