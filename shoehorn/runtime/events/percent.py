"""Percent-encoding without urllib.parse.

urllib.parse costs several milliseconds to import (it pulls in ipaddress, re, collections)
and this module sits on every cold start; paths and queries need only these three helpers.
"""

from __future__ import annotations

_HEX = "0123456789ABCDEF"
# RFC 3986 unreserved characters never need escaping.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def allowed(safe: str) -> frozenset:
    """The characters ``quote`` leaves alone: unreserved + ``safe`` (build once, reuse)."""
    return _UNRESERVED.union(safe)


def quote(text: str, allowed: frozenset) -> str:
    """``text`` with every character outside ``allowed`` as UTF-8 %XX escapes."""
    if allowed.issuperset(text):
        return text  # fast path: nothing to escape
    out = []
    for ch in text:
        if ch in allowed:
            out.append(ch)
        else:
            for byte in ch.encode("utf-8", "surrogateescape"):
                out.append("%" + _HEX[byte >> 4] + _HEX[byte & 15])
    return "".join(out)


def unquote_to_bytes(raw: bytes) -> bytes:
    """Decode %XX escapes in ``raw``; malformed escapes stay as they are (like urllib)."""
    if b"%" not in raw:
        return raw
    parts = raw.split(b"%")
    out = [parts[0]]
    for part in parts[1:]:
        try:
            out.append(bytes.fromhex(part[:2].decode("ascii")) + part[2:] if len(part) >= 2 else b"%" + part)
        except ValueError:
            out.append(b"%" + part)
    return b"".join(out)


def unquote(text: str) -> str:
    """Decode %XX escapes as UTF-8; bytes that are not UTF-8 become U+FFFD, as uvicorn does
    (a surrogate would make a Starlette app answer 500)."""
    if "%" not in text:
        return text
    return unquote_to_bytes(text.encode("utf-8")).decode("utf-8", "replace")
