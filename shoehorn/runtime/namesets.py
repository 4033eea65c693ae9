"""What one step of the request path makes of a set of header names, made once per set.

The reader, both drivers and the renderers each derive something from the header names
(their lower-case shape, environ keys, byte names, where Content-Type is). Clients and apps
send the same few sets, so each derivation is remembered per set; they also choose the
names, so every table is bounded in bytes: sets under 2 KB, 128 of them (past that, made
each time). The set seen last is kept apart: the usual request carries the same names as
the one before, and comparing with it costs less than hashing 16 names.
"""

from __future__ import annotations

_MISSING = object()


class PerNameSet:
    """``make(names)`` remembered per names tuple. Callers read ``last`` first:

        last_names, found = table.last
        if names is not last_names:  # (or != for tuples that are new per event)
            found = table.lookup(names)
    """

    __slots__ = ("make", "table", "last")

    def __init__(self, make) -> None:  # make(names) -> what to remember for them
        self.make = make
        self.table: dict[tuple, object] = {}
        self.last: tuple = (None, None)  # (names, what make gave for them), replaced whole

    def lookup(self, names: tuple):
        """What ``make(names)`` gives (from the table when it is there); ``last`` becomes it."""
        found = self.table.get(names, _MISSING)
        if found is _MISSING:
            found = self.make(names)
            if len(self.table) < 128 and sum(map(len, names)) < 2048:
                self.table[names] = found
        self.last = (names, found)
        return found
