"""The two values the request path passes around: Request in, Response out.

Event sources parse a Lambda event into a Request and render a Response back;
the WSGI and ASGI drivers only ever see these, so both kinds of app see the
same request for the same event.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Request:
    method: str  # upper case
    root_path: str  # the prefix the app is mounted under: "" or e.g. "/prod" (no trailing slash)
    path: str  # the app's path, decoded, starting with "/": excludes root_path
    raw_path: bytes  # the app's path as received, still percent-encoded, excludes root_path
    query_string: bytes  # encoded, without "?"
    headers: tuple[tuple[str, str], ...]  # lower-case names, repeated names kept in order
    body: bytes
    scheme: str  # "https" or "http"
    server: tuple[str, int]  # (host, port) the client addressed
    client: tuple[str, int] | None  # the caller's address, from requestContext (never X-Forwarded-For)
    source: str  # "rest" | "http" | "url" | "alb"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]  # as the app sent them, repeated names kept
    body: bytes
