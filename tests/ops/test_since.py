"""``--since`` parsing: durations back from now, ISO-8601 times (UTC when no zone), clear errors."""

from __future__ import annotations

import pytest

from shoehorn.errors import ConfigError
from shoehorn.ops.since import parse_since

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10m", 600), ("2h", 7200), ("1d", 86400), ("30s", 30), ("1w", 604800), (" 5M ", 300)],
)
def test_durations_count_back_from_now(text: str, seconds: int) -> None:
    assert parse_since(text, now=NOW) == int((NOW - seconds) * 1000)


def test_iso_times_with_and_without_zone() -> None:
    assert parse_since("2023-11-14T22:13:20Z", now=NOW) == 1_700_000_000_000
    assert parse_since("2023-11-14T22:13:20", now=NOW) == 1_700_000_000_000
    assert parse_since("2023-11-14T23:13:20+01:00", now=NOW) == 1_700_000_000_000


def test_nonsense_says_what_is_accepted() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_since("yesterday", now=NOW)
    assert "yesterday" in caught.value.message
    assert "10m" in caught.value.hint


@pytest.mark.parametrize("text", ["99999d", "100000w", "1900-01-01", "0001-01-01T00:00:00Z"])
def test_a_start_before_1970_is_the_whole_log(text: str) -> None:
    # CloudWatch refuses a negative startTime ("valid min value: 0"): `logs --since 99999d`
    # ended as "please report it"
    assert parse_since(text, now=NOW) == 0
