"""How each front turns the function's proxy response back into HTTP, and what it rejects."""

from __future__ import annotations

import base64
import binascii

from shoehorn.gateway.events import SOURCES


class MalformedResponse(ValueError):
    """The function's answer is not a valid proxy response: AWS would answer 502."""


_ALLOWED = {
    "rest": {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"},
    "http": {"statusCode", "headers", "multiValueHeaders", "cookies", "body", "isBase64Encoded"},
    "alb": {"statusCode", "statusDescription", "headers", "multiValueHeaders", "body", "isBase64Encoded"},
}
_ALLOWED["url"] = _ALLOWED["http"]


def read_response(source: str, result) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) the client gets for the function's ``result``."""
    if source not in SOURCES:
        raise ValueError(f"unknown event source {source!r}: use one of {', '.join(SOURCES)}")
    if source in ("http", "url") and not (isinstance(result, dict) and "statusCode" in result):
        # payload 2.0: a value without statusCode is itself the JSON body (HTTP API docs)
        import json

        try:
            body = json.dumps(result).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise MalformedResponse(f"the function returned a value that is not JSON: {exc}") from exc
        return 200, [("content-type", "application/json")], body
    if not isinstance(result, dict):
        raise MalformedResponse(f"a {source} proxy response must be a JSON object, got {type(result).__name__}")
    extra = set(result) - _ALLOWED[source]
    if extra:
        raise MalformedResponse(
            f"a {source} proxy response may not contain {sorted(extra)} (API Gateway answers 502)"
        )
    status = result.get("statusCode")
    if source == "alb" and type(status) is not int:
        raise MalformedResponse(f"ALB needs an integer statusCode, got {status!r}")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if type(status) is not int or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode must be an HTTP status (100-599), got {status!r}")
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    single = result.get("headers") or {}
    if not isinstance(multi, dict) or not isinstance(single, dict):
        raise MalformedResponse("headers and multiValueHeaders must be JSON objects")
    multi_names = {k.lower() for k in multi}
    for key, value in single.items():
        # when both maps name a header, only multiValueHeaders counts (API Gateway docs)
        if key.lower() in multi_names:
            continue
        if not isinstance(value, (str, int, float, bool)):
            raise MalformedResponse(f"header {key!r} must be a string, got {value!r}")
        headers.append((key, _scalar(value)))
    for key, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{key!r}] must be a list, got {values!r}")
        headers.extend((key, _scalar(v)) for v in values)
    for cookie in result.get("cookies") or ():
        headers.append(("set-cookie", str(cookie)))
    body = result.get("body")
    if body is None:
        raw = b""
    elif not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    elif result.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponse("isBase64Encoded is true but body is not valid base64") from exc
    else:
        raw = body.encode("utf-8")
    return status, headers, raw


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
