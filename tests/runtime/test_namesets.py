"""PerNameSet: what a step makes of a set of header names, made once per set, bounded in bytes."""

from __future__ import annotations

from shoehorn.runtime.namesets import PerNameSet


def test_made_once_per_set_and_the_last_set_kept_apart():
    made = []
    table = PerNameSet(lambda names: made.append(names) or len(names))
    assert table.last == (None, None)
    assert table.lookup(("a", "b")) == 2 and table.last == (("a", "b"), 2)
    assert table.lookup(("c",)) == 1 and table.lookup(("a", "b")) == 2
    assert made == [("a", "b"), ("c",)]


def test_none_is_remembered_too():
    made = []
    table = PerNameSet(lambda names: made.append(names))
    assert table.lookup(("x",)) is None and table.lookup(("x",)) is None
    assert made == [("x",)]


def test_bounded_in_bytes_clients_choose_the_names():
    table = PerNameSet(lambda names: names)
    for n in range(300):
        table.lookup((f"x-{n}",))
    assert len(table.table) == 128
    big = tuple(f"{'n' * 100}{i}" for i in range(30))  # over 2 KB of names: made, never stored
    assert table.lookup(big) is big and big not in table.table and table.last[0] is big
