"""CloudWatch filter patterns as the local cloud's FilterLogEvents reads them (shoehorn/cloud/logfilter.py)."""

from __future__ import annotations

import pytest

from shoehorn.cloud.logfilter import InvalidPattern, matcher

LINES = [
    "START RequestId: 1f2e Version: 3",
    "[ERROR]\t2026-11-30T23:28:19Z\t1f2e\tthe response exceeds the limit; answering 502 instead",
    "[WARNING]\t2026-11-30T23:28:20Z\t1f2e\tslow request: 2100 ms",
    "[DEBUG]\t2026-11-30T23:28:21Z\t1f2e\tERROR budget fine",
    "Task timed out after 3.00 seconds",
    "REPORT RequestId: 1f2e\tDuration: 12.50 ms\tMemory Size: 512 MB",
]


def kept(pattern: str) -> list[int]:
    matches = matcher(pattern)
    return [i for i, line in enumerate(LINES) if matches(line)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", [0, 1, 2, 3, 4, 5]),  # no pattern: every event
        ("   ", [0, 1, 2, 3, 4, 5]),
        ("ERROR", [1, 3]),  # a term anywhere in the event, case-sensitive
        ("error", []),
        ("502", [1]),  # a number is a term too (moto matched every event)
        ("ERROR budget", [3]),  # every term
        ("?WARNING ?timed", [2, 4]),  # any ?term
        ("ERROR -DEBUG", [1]),  # -term excludes
        ("-RequestId", [1, 2, 3, 4]),
        ('"timed out"', [4]),  # an exact phrase
        ('"out after" -RequestId ?Task ?nothing', [4]),
        ('"-DEBUG"', []),  # quoted: literal, not an exclusion
        ("%Duration: [0-9.]+ ms%", [5]),  # a regular expression, found anywhere
        ("%^\\[ERROR\\]|^\\[WARNING\\]%", [1, 2]),
    ],
)
def test_text_patterns_match_as_cloudwatch_documents(pattern: str, expected: list[int]) -> None:
    assert kept(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        ('{ $.level = "ERROR" }', "not JSON patterns"),
        ("[ip, user, status=5*]", "not space-delimited patterns"),
        ('"unclosed', "does not close"),
        ("%[unclosed%", "invalid regular expression"),
        ("%^(ERROR|WARN)%", "does not accept"),  # CloudWatch refuses parentheses in a regex
        ("%something!%", "does not accept"),  # and "!" (its docs' own example)
    ],
)
def test_patterns_it_cannot_read_are_refused_with_what_to_do(pattern: str, said: str) -> None:
    with pytest.raises(InvalidPattern, match=said):
        matcher(pattern)
