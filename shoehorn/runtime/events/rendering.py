"""What the source renderers share: the body as text or base64, headers grouped by name.

Renderers only read the Response and, for the request's method and the ALB header mode, the
event; they never raise on an event of an odd shape (the handler also renders its 400s with
them).
"""

from __future__ import annotations

from binascii import b2a_base64

from shoehorn.runtime.namesets import PerNameSet

_TEXT_TYPES = frozenset(
    (
        "application/json",
        "application/javascript",
        "application/ecmascript",
        "application/xml",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "image/svg+xml",
        "application/vnd.oai.openapi",
        "",
    )
)


def is_text_type(content_type: str | None) -> bool:
    """Content types sent as text; everything else (and any Content-Encoding) is base64."""
    found = _TEXT.get(content_type)
    if found is None:
        found = _is_text_type(content_type)
        if content_type is None or len(content_type) <= 128 and len(_TEXT) < 64:  # bounded in bytes
            _TEXT[content_type] = found
    return found


_TEXT: dict[str | None, bool] = {}


def _is_text_type(content_type: str | None) -> bool:
    if content_type is None:
        return True
    ct = content_type.partition(";")[0].strip().lower()
    return ct.startswith("text/") or ct in _TEXT_TYPES or ct.endswith("+json") or ct.endswith("+xml")


def method_of(event: dict, *keys: str) -> str:
    """The request's method found under ``keys`` in ``event`` ("GET" when it is not there)."""
    found = event.get(keys[0])
    for key in keys[1:]:
        found = found.get(key) if type(found) is dict else None
    return found.upper() if type(found) is str else "GET"


def encode_body(response, method: str) -> tuple[str, bool]:
    """(body, isBase64Encoded) for a proxy response (see ``encode``)."""
    status, headers, body = response
    content_type = encoding = None
    for name, value in headers:
        lname = name.lower()
        if lname == "content-type":
            content_type = value
        elif lname == "content-encoding":
            encoding = value
    return encode(status, body, method, content_type, encoding)


def encode(status: int, body: bytes, method: str, content_type: str | None, encoding: str | None) -> tuple[str, bool]:
    """(body, isBase64Encoded) for a proxy response with these Content-Type and
    Content-Encoding values (None when absent).

    HEAD and 1xx/204/304 carry no body (RFC 9110 6.4.1; mangum returned it for HEAD).
    Base64 follows the RESPONSE's type, not the request's flag (mangum #92); any
    Content-Encoding is binary (apig-wsgi PR #496); text that is not UTF-8 is sent as base64.
    """
    if not body or method == "HEAD" or status < 200 or status == 204 or status == 304:
        return "", False
    if encoding is None and is_text_type(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return b2a_base64(body, newline=False).decode("ascii"), True


def _distinct_names(names: tuple) -> tuple | None:
    lowered = [name.lower() for name in names]
    if len(set(lowered)) != len(lowered):
        return None
    return tuple(names[lowered.index(n)] if n in lowered else None for n in ("content-type", "content-encoding"))


_DISTINCT = PerNameSet(_distinct_names)


def distinct_names(names: tuple) -> tuple | None:
    """For response header names (as the app spelled them, in order) that are distinct ignoring
    case: (the one spelling Content-Type, the one spelling Content-Encoding), each None when
    absent; None when two names are alike."""
    last_names, found = _DISTINCT.last
    if names != last_names:
        found = _DISTINCT.lookup(names)
    return found


def group_headers(headers) -> dict[str, list[str]]:
    """Header name (as the app first spelled it) -> values, names compared case-insensitively."""
    grouped: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for name, value in headers:
        lname = name.lower()
        key = spelled.get(lname)
        if key is None:
            spelled[lname] = name
            grouped[name] = [value]
        else:
            grouped[key].append(value)
    return grouped


def case_variants(name: str, count: int) -> list[str]:
    """``count`` distinct spellings of ``name`` (Set-Cookie, set-Cookie, SEt-Cookie, ...).

    Single-value header maps (ALB without multi-value, REST ``headers``) hold one value per
    key; HTTP names are case-insensitive, so distinct spellings keep every Set-Cookie
    (Miserlou/Zappa PR #636, serverless-wsgi #11).
    """
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    out = []
    for n in range(min(count, 2 ** len(letters))):
        chars = list(name.lower())
        for bit, index in enumerate(letters):
            if n >> bit & 1:
                chars[index] = chars[index].upper()
        out.append("".join(chars))
    return out


def status_description(status: int) -> str:
    """ALB's ``statusDescription``: "200 OK"."""
    from http import HTTPStatus  # lazily: only ALB responses need it

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
