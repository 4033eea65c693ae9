"""The TOML writer behind `init --force`: what tomllib reads, it writes back to the same values."""

from __future__ import annotations

import datetime
import math
import tomllib

import pytest

from shoehorn.cli import tomlwrite


@pytest.mark.parametrize("value", [
    "plain", 'quote " and \\ backslash', "new\nline\ttab", "del \x7f and nul \x00", "caf\u00e9 \U0001F600",
    0, -3, 1.5, 1e20, True, False, [], ["a", 1, [2.5]], {"k": "v", "with space": {"n": 1}},
    datetime.date(2024, 5, 1), datetime.datetime(2024, 5, 1, 7, 30, tzinfo=datetime.timezone.utc),
    datetime.time(7, 30, 1),
])
def test_a_value_reads_back_the_same(value: object) -> None:
    assert tomllib.loads(f"x = {tomlwrite.value(value)}\n")["x"] == value


def test_infinities_and_nan() -> None:
    data = tomllib.loads(f"a = {tomlwrite.value(math.inf)}\nb = {tomlwrite.value(-math.inf)}\n"
                         f"c = {tomlwrite.value(math.nan)}\n")
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])


def test_tables_and_arrays_of_tables_read_back_the_same() -> None:
    table = {
        "statements": [{"Effect": "Allow", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
                       {"Effect": "Deny", "Extra": [{"a": 1}, {"b": 2}]}],
        "stages": {"prod": {"memory": 2048, "environment": {"B": "2"}, "statements": [{"Effect": "Deny"}]},
                   "empty": {}, "odd name": {"x": 1}},
    }
    text = "\n".join(tomlwrite.sections([], table))
    assert tomllib.loads(text) == table
    assert "[stages]" not in text  # implied by [stages.prod]
