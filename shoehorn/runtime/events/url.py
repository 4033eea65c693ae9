"""Lambda Function URLs: payload 2.0, told apart by the ``.lambda-url.`` domain.

Same request and response shape as HTTP API 2.0 (Lambda docs, urls-invocation.md), but
``stage``/``routeKey`` are ``$default`` placeholders and there is never a mount prefix.
"""

from __future__ import annotations

from shoehorn.runtime.events.http import read_v2
from shoehorn.runtime.events.http import render as render  # identical response format
from shoehorn.runtime.types import Request

NAME = "url"
PAYLOAD_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous response limit


def detect(event: dict) -> bool:
    if event.get("version") != "2.0":
        return False
    rc = event.get("requestContext")
    domain = rc.get("domainName") if type(rc) is dict else None
    return type(domain) is str and ".lambda-url." in domain


def read(event: dict) -> Request:
    return read_v2(event, NAME)
