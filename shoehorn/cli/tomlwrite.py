"""TOML text for the values tomllib reads, so `init --force` can write back what a user's file held.

The standard library reads TOML but does not write it; shoehorn's settings need only this much:
strings, numbers, booleans, dates, arrays, inline tables, tables and arrays of tables.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    """A key as TOML spells it: bare when it may be, else a quoted string."""
    return name if _BARE_KEY.fullmatch(name) else value(name)


def value(item: Any) -> str:
    """One value on one line (tables become inline tables)."""
    if isinstance(item, bool):  # before int: bool is an int
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        return ("inf" if item > 0 else "-inf") if math.isinf(item) else repr(item)
    if isinstance(item, str):
        # A JSON string is a TOML basic string, except that TOML also wants DEL escaped; without
        # ensure_ascii JSON would write a character beyond U+FFFF as a surrogate pair TOML refuses.
        return json.dumps(item, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(item, (datetime.datetime, datetime.date, datetime.time)):
        return item.isoformat()
    if isinstance(item, list):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, dict):
        return "{" + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + "}"
    raise TypeError(f"no TOML value for {item!r}")


def is_section(item: Any) -> bool:
    """Written as [table] or [[array of tables]] rather than on a key's line."""
    return isinstance(item, dict) or (isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item))


def sections(path: list[str], table: dict[str, Any], *, array_item: bool = False) -> list[str]:
    """``table`` as lines under its header (``path``): its keys, then its sub-tables, each after a blank line."""
    plain = [f"{key(k)} = {value(v)}" for k, v in table.items() if not is_section(v)]
    nested = [k for k, v in table.items() if is_section(v)]
    dotted = ".".join(key(part) for part in path)
    lines = []
    if array_item:
        lines.append(f"[[{dotted}]]")
    elif path and (plain or not nested):  # `[stages.prod]` alone implies `[stages]`; an empty table still shows
        lines.append(f"[{dotted}]")
    lines += plain
    for name in nested:
        item = table[name]
        for part in ([item] if isinstance(item, dict) else item):
            lines += ["", *sections([*path, name], part, array_item=isinstance(item, list))]
    return lines[1:] if lines and lines[0] == "" else lines
