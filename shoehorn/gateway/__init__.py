"""What AWS's HTTP fronts SEND to a Lambda for an HTTP request, and how they read its answer.

One module per source (``rest``, ``http``, ``url``, ``alb``), mirroring ``shoehorn/runtime/events``,
each with ``build_event(...)`` (the event that front sends; field by field as in the published
samples in tests/conformance/events/, a test compares them), ``read_response(result)`` (the
function's proxy response back as (status, headers, body) the way that front reads it;
``MalformedResponse`` where AWS would answer 502) and ``ERRORS`` (what the front answers when
the function fails, times out, is throttled or the request is too big). ``SOURCES`` is the
registry. Used by ``shoehorn.testing``, the local front and ``shoehorn invoke``; standard
library only. Adding a source: docs/request-path.md.

Paths: ``path`` is the URL path the client asked for, still percent-encoded (see each module
for stages and base paths).
"""

from __future__ import annotations

from shoehorn.gateway import alb, http, rest, url
from shoehorn.gateway.common import ACCOUNT_ID, API_ID, REGION, GatewayError, MalformedResponse, SourceErrors

MODULES = {module.NAME: module for module in (rest, http, url, alb)}
SOURCES = tuple(MODULES)

__all__ = [
    "ACCOUNT_ID", "API_ID", "REGION", "SOURCES", "GatewayError", "MalformedResponse", "SourceErrors",
    "build_event", "errors", "read_response", "request_headers",
]  # fmt: skip


def _module(source: str):
    module = MODULES.get(source)
    if module is None:
        raise ValueError(f"unknown event source {source!r}: use one of {', '.join(SOURCES)}")
    return module


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
    multi_value: bool = False,
    base_path: str | None = None,
    listener: tuple[str, int] | None = None,
) -> dict:
    """The Lambda event ``source`` sends for this HTTP request. ``multi_value``: an ALB target group
    with ``lambda.multi_value_headers.enabled`` (off by default on AWS, and here). ``listener``: the
    scheme and port an ALB listens on (("http", 80) unless given; API Gateway and Function URLs
    are https on 443 whatever is given)."""
    module = _module(source)
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    path = path or "/"
    if not path.startswith("/"):
        path = "/" + path
    host = host or next((v for k, v in headers if k.lower() == "host"), None) or module.DEFAULT_HOST
    return module.build_event(
        method=method.upper(),
        path=path,
        query=query_string.lstrip("?"),
        headers=[(k, v) for k, v in headers if k.lower() != "host"],
        body=body or b"",
        stage=stage,
        host=host,
        client_ip=client_ip,
        multi_value=multi_value,
        base_path=base_path,
        listener=listener,
    )


def request_headers(raw) -> list[tuple[str, str]]:
    """A server's raw request headers ((name, value) bytes) as an HTTP front puts them in an event.
    Content-Length and Transfer-Encoding are left out (the front frames the body itself); values
    are read as UTF-8, as AWS's fronts read them (an ALB passes "Srīperumbūdūr" as text: hono
    #4432), and bytes that are not UTF-8 as latin-1."""
    return [(name.decode("latin-1"), _text(value)) for name, value in raw
            if name.lower() not in (b"content-length", b"transfer-encoding")]


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def read_response(source: str, result) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) the client gets for the function's ``result``."""
    return _module(source).read_response(result)


def errors(source: str) -> SourceErrors:
    """What ``source`` answers when the function fails, times out, is throttled, or the request is too big."""
    return _module(source).ERRORS
