"""The app's answer, checked: a Response holds what HTTP can carry, or the app gets the blame.

Both drivers pass the status and headers the app gave through here, so WSGI and ASGI apps
are held to the same rules: an integer status 100-599; header names that are HTTP tokens;
values that are strings, trimmed of leading and trailing whitespace (RFC 9110 5.5: Django's
Set-Cookie value starts with a space, and HTTP libraries reject that), and never holding a
control character (CR/LF would split the response: RFC 9110 5.5, CWE-113).
"""

from __future__ import annotations

from shoehorn.runtime.errors import AppError
from shoehorn.runtime.events.reading import TOKEN
from shoehorn.runtime.types import Response

# RFC 9110 5.5: field values are VCHAR, obs-text, SP and HTAB; everything else below 0x20 and DEL
# is a control character.
_CONTROL = frozenset(chr(c) for c in range(32) if c != 9) | {"\x7f"}
_OWS = " \t"


def response(status, headers, body: bytes) -> Response:
    """A Response from what the app gave; AppError saying what was wrong otherwise: headers
    as (name, value) strings, values trimmed."""
    if type(status) is not int or not 100 <= status <= 599:
        raise AppError(f"the app answered with the status {status!r}; an HTTP status is an integer 100-599")
    if type(headers) is dict:  # its keys would be unpacked: {"ab": ...} as the header a: b
        raise AppError(f"the app sent the response headers as a dict {headers!r:.200}; they are a list of (name, value) pairs")
    out = []
    try:
        for name, value in headers:
            if type(value) is not str or (name not in _NAMES and not _is_token(name)):
                raise _bad_header(name, value)
            if not value.isprintable() and (not _CONTROL.isdisjoint(value) or not _encodable(value)):
                raise AppError(
                    f"the app sent the response header {name!r} with a control character (CR, LF...) or a lone "
                    f"surrogate in its value {value!r}; it is never passed on (it could split the response)"
                )
            out.append((name, value.strip(_OWS)))  # the same string when there is nothing to trim
    except (TypeError, ValueError) as exc:  # not (name, value) pairs
        if isinstance(exc, AppError):
            raise
        raise AppError(f"the app sent the response headers {headers!r:.200}; each is a (name, value) pair") from None
    return tuple.__new__(Response, (status, tuple(out), body))  # Response(...), minus a call


def _encodable(value: str) -> bool:
    """No lone surrogate (not printable either): no encoding sends one, and the runtime client's
    UTF-8 JSON would fail on it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def status_code(line) -> int:
    """The code of a WSGI status line ("200 OK")."""
    code = _CODES.get(line) if type(line) is str else None
    if code is None:
        # three digits, then a space or the end: "2000 OK" is no 200
        if type(line) is not str or not line[:3].isdigit() or not line[:3].isascii() or line[3:4] not in ("", " "):
            raise AppError(f"the app passed start_response() the status {line!r}; PEP 3333 wants e.g. '200 OK'")
        code = int(line[:3])
        if len(line) <= 64 and len(_CODES) < 64:  # bounded in bytes: apps may send any reason phrase
            _CODES[line] = code
    return code


_CODES: dict[str, int] = {}


# Response header names already found to be HTTP tokens; bounded in bytes (names of at most 64
# characters, 256 of them): apps may send any names.
_NAMES: set[str] = set()


def _is_token(name) -> bool:
    if type(name) is not str or not name or not TOKEN.issuperset(name):
        return False
    if len(name) <= 64 and len(_NAMES) < 256:
        _NAMES.add(name)
    return True


def _bad_header(name, value) -> AppError:
    if type(name) is not str or type(value) is not str:
        return AppError(f"the app sent the response header {name!r}: {value!r}; names and values must be strings")
    return AppError(f"the app sent a response header named {name!r}, which is not an HTTP token")
