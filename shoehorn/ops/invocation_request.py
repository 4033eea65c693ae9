"""What the user typed for ``shoehorn invoke`` -> an HTTP request to put into a gateway event."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from shoehorn.commandline import suggest
from shoehorn.errors import ConfigError
from shoehorn.gateway import SOURCES
from shoehorn.gateway.common import has_control_character
from shoehorn.runtime.events.reading import TOKEN

EXAMPLE = "invoke GET '/users?page=2'"

__all__ = ["SOURCES", "HttpRequest", "parse_header", "read_data", "request"]

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # starts with "/"; no query string
    query_string: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` (curl's -H form) -> ``("Name", "value")``."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    # RFC 9110: a header name is a token (5.6.2); a value holds no control character but tab (5.5)
    if not sep or not name or not TOKEN.issuperset(name):
        raise ConfigError(f"-H {text!r} is not a header", "write headers as -H 'Name: value' (a name of letters, "
                          "digits and !#$%&'*+-.^_`|~)")
    if has_control_character(value):
        raise ConfigError(f"-H {text!r} has a control character in its value", "no HTTP client can send it: remove it")
    return name, value


def read_data(data: str | None, stdin: BinaryIO | None = None) -> bytes:
    """``--data``: ``@file`` reads a file, ``-`` reads stdin, anything else is the body itself."""
    if data is None:
        return b""
    if data == "-":
        return (stdin or sys.stdin.buffer).read()
    if data.startswith("@"):
        path = Path(data[1:])
        try:
            return path.read_bytes()
        except OSError as error:
            raise ConfigError(f"--data {data}: cannot read {path}: {error.strerror}", "check the path after '@'") from None
    return data.encode("utf-8")


def _guess_type(body: bytes) -> str:
    """JSON when the body is a JSON object or array (what APIs expect), else curl's -d default."""
    try:
        value = json.loads(body)
    except ValueError:
        return "application/x-www-form-urlencoded"
    return "application/json" if isinstance(value, (dict, list)) else "application/x-www-form-urlencoded"


def request(
    method: str, target: str, *, data: str | None = None, headers: tuple[str, ...] = (), stdin: BinaryIO | None = None
) -> HttpRequest:
    """Validate and assemble the request; ``target`` is a path with an optional ``?query``."""
    verb = method.upper()
    if verb not in METHODS:
        raise ConfigError(f"{method!r} is not an HTTP method", "use one of " + ", ".join(METHODS))
    if "://" in target:
        raise ConfigError(
            f"{target!r} is a URL; invoke takes a path",
            f"pass only the path, e.g. {suggest(EXAMPLE)} (it goes straight to the function)",
        )
    # A fragment never reaches a server: a browser, curl and API Gateway's URL all drop it, so the app
    # must not see `/x#frag` here either (RFC 3986 3.5: it is for the client alone).
    target = target.partition("#")[0]
    path, _, query = target.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    parsed = tuple(parse_header(h) for h in headers)
    body = read_data(data, stdin)
    if body and not any(name.lower() == "content-type" for name, _ in parsed):
        parsed += (("Content-Type", _guess_type(body)),)
    return HttpRequest(verb, path, query, parsed, body)
