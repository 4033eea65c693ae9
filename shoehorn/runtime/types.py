"""The two values the request path passes around: Request in, Response out.

Event sources parse a Lambda event into a Request and render a Response back;
the WSGI and ASGI drivers only ever see these, so both kinds of app see the
same request for the same event.

Immutable value types built on ``tuple`` by hand (like ``typing.NamedTuple``) rather than
frozen dataclasses: importing ``dataclasses`` (inspect, re, copy, ...) costs more than the
rest of the runtime on a cold start, and a frozen dataclass takes ~5x longer to build,
which is paid on every request.
"""

from __future__ import annotations

from operator import itemgetter


def _field(index: int):
    return property(itemgetter(index))


class _Record(tuple):
    """Fields by name, immutable, compared and hashed by value; ``replace()`` makes a copy."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"{type(self).__name__}({values})"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return tuple.__ne__(self, other)

    __hash__ = tuple.__hash__

    def replace(self, **changes):
        """A copy with some fields changed (``dataclasses.replace`` for these records)."""
        values = dict(zip(self._fields, self))
        values.update(changes)
        return type(self)(**values)


class Request(_Record):
    __slots__ = ()
    _fields = (
        "method", "root_path", "path", "raw_path", "query_string", "header_names", "header_values",
        "body", "scheme", "server", "client", "source",
    )  # fmt: skip

    method: str = _field(0)  # upper case, an HTTP token
    root_path: str = _field(1)  # the prefix the app is mounted under: "" or e.g. "/prod" (no trailing slash)
    path: str = _field(2)  # the app's path, decoded (U+FFFD for bytes that are not UTF-8), starting with "/": excludes root_path
    raw_path: bytes = _field(3)  # the app's path as received, still percent-encoded, excludes root_path
    query_string: bytes = _field(4)  # encoded, without "?"
    # The headers as two tuples of the same length, names lower case, repeated names kept in
    # order: a reader hands on the names tuple it remembers for a set of names, so a driver can
    # remember per set what it makes of them (environ keys, byte names).
    header_names: tuple[str, ...] = _field(5)
    header_values: tuple[str, ...] = _field(6)
    body: bytes = _field(7)
    scheme: str = _field(8)  # "https" or "http"
    server: tuple[str, int] = _field(9)  # (host, port) the client addressed
    client: tuple[str, int] | None = _field(10)  # from requestContext (never X-Forwarded-For)
    source: str = _field(11)  # "rest" | "http" | "url" | "alb"

    def __new__(
        cls, method, root_path, path, raw_path, query_string, header_names, header_values, body, scheme, server, client, source
    ):
        return tuple.__new__(
            cls,
            (method, root_path, path, raw_path, query_string, header_names, header_values, body, scheme, server, client, source),
        )

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """(name, value) pairs."""
        return tuple(zip(self[5], self[6]))


class Response(_Record):
    __slots__ = ()
    _fields = ("status", "headers", "body")

    status: int = _field(0)
    headers: tuple[tuple[str, str], ...] = _field(1)  # as the app sent them, repeated names kept
    body: bytes = _field(2)

    def __new__(cls, status, headers, body):
        return tuple.__new__(cls, (status, headers, body))
