"""Lambda Function URLs: payload 2.0, told apart by the ``.lambda-url.`` domain.

Same request and response shape as HTTP API 2.0 (Lambda docs, urls-invocation.md), but
``stage``/``routeKey`` are ``$default`` placeholders and there is never a mount prefix.
"""

from __future__ import annotations

from shoehorn.runtime.events.http import parse_v2
from shoehorn.runtime.events.http import render as render  # identical response format
from shoehorn.runtime.types import Request


def detect(event: dict) -> bool:
    if event.get("version") != "2.0":
        return False
    rc = event.get("requestContext")
    return type(rc) is dict and ".lambda-url." in (rc.get("domainName") or "")


def parse(event: dict) -> Request:
    return parse_v2(event, "url")
