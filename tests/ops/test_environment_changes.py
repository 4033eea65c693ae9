"""``env set`` / ``env unset`` arguments are checked before anything reaches AWS."""

from __future__ import annotations

import pytest

from shoehorn.errors import ConfigError
from shoehorn.ops.environment_changes import parse_set, parse_unset


def test_set_keeps_everything_after_the_first_equals_sign() -> None:
    change = parse_set(["DEBUG=1", "DSN=postgres://u:p@h/db?x=y", "EMPTY="])
    assert dict(change.set) == {"DEBUG": "1", "DSN": "postgres://u:p@h/db?x=y", "EMPTY": ""}
    assert change.apply_to({"DEBUG": "0", "OTHER": "kept"}) == {
        "DEBUG": "1", "OTHER": "kept", "DSN": "postgres://u:p@h/db?x=y", "EMPTY": ""
    }  # fmt: skip


def test_unset_removes_and_deduplicates() -> None:
    change = parse_unset(["A1", "B1", "A1"])
    assert change.unset == ("A1", "B1")
    assert change.apply_to({"A1": "x", "C1": "y"}) == {"C1": "y"}


@pytest.mark.parametrize("bad", ["NOEQUALS", "1ABC=x", "HAS-DASH=x", "=x", "X=1"])
def test_bad_assignments(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_set([bad])


def test_reserved_keys_and_empty_lists() -> None:
    with pytest.raises(ConfigError, match="reserved"):
        parse_set(["AWS_REGION=eu-west-1"])
    with pytest.raises(ConfigError, match="nothing"):
        parse_set([])
    with pytest.raises(ConfigError, match="nothing"):
        parse_unset([])


def test_a_key_given_twice_with_two_values_is_refused() -> None:
    # the last one won without a word
    with pytest.raises(ConfigError, match=r"KK is given twice \('1' and '2'\)"):
        parse_set(["KK=1", "KK=2"])
    assert dict(parse_set(["KK=1", "KK=1"]).set) == {"KK": "1"}  # the same value twice says the same thing
