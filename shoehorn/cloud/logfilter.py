"""CloudWatch Logs filter patterns for the local cloud's FilterLogEvents.

moto matches a pattern only when it is one plain word or one quoted phrase; any other pattern
(``?ERROR ?WARN``, ``-DEBUG``, ``502``, ``%regex%``) matches EVERY event there, so
``shoehorn logs --local --filter 502`` printed everything. The front filters instead, as
CloudWatch reads text patterns ("Filter pattern syntax for metric filters, subscription
filters, filter log events, and Live Tail", CloudWatch Logs user guide), case-sensitively:

    ERROR                 events that contain ERROR
    ERROR Exception       that contain both
    ?ERROR ?WARN          that contain either
    ERROR -DEBUG          that contain ERROR and not DEBUG
    "Task timed out"      that contain the exact phrase (quotes also keep "-" and "?" literal)
    %timed? ?out%         in which the regular expression is found (CloudWatch's subset: no "(")

JSON (``{ $.level = "ERROR" }``) and space-delimited (``[ip, user, ...]``) patterns are refused
with a message saying so, rather than answered wrongly.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass


class InvalidPattern(ValueError):
    """A pattern CloudWatch would refuse (InvalidParameterException), or one the local cloud
    cannot evaluate; the message says which and what to do."""


@dataclass(frozen=True)
class _Terms:
    required: tuple[str, ...]
    any_of: tuple[str, ...]  # ?term: at least one of them, when there are any
    excluded: tuple[str, ...]  # -term

    def __call__(self, message: str) -> bool:
        return (
            all(term in message for term in self.required)
            and not any(term in message for term in self.excluded)
            and (not self.any_of or any(term in message for term in self.any_of))
        )


def matcher(pattern: str) -> Callable[[str], bool]:
    """``matches(message)`` for a FilterLogEvents pattern; InvalidPattern if it cannot be read."""
    text = pattern.strip()
    if not text:
        return lambda message: True
    if text[0] in "{[":
        kind = "JSON" if text[0] == "{" else "space-delimited"
        raise InvalidPattern(
            f"the local cloud filters log events by text patterns only, not {kind} patterns like {pattern!r}: "
            'use terms ("ERROR", "?ERROR ?WARN", "-DEBUG", a "quoted phrase") or a %regex%, or run without --local'
        )
    if len(text) >= 2 and text[0] == "%" and text[-1] == "%":
        return _regex(text[1:-1], pattern)
    required, any_of, excluded = [], [], []
    for operator, term in _terms(text, pattern):
        {"": required, "?": any_of, "-": excluded}[operator].append(term)
    return _Terms(tuple(required), tuple(any_of), tuple(excluded))


# What CloudWatch accepts between the %s: letters and digits, the symbols : _ # = @ / ; , - and
# the operators ^ $ ? [ ] { } | \ * + . ("(" and ")" are refused, and multi-byte characters).
# The docs do not list the space; it is accepted here rather than refused on a guess.
_REGEX_CHARACTERS = frozenset(string.ascii_letters + string.digits + ":_#=@/;,-" + "^$?[]{}|\\*+." + " ")


def _regex(expression: str, pattern: str) -> Callable[[str], bool]:
    refused = sorted(set(expression) - _REGEX_CHARACTERS)
    if refused:
        raise InvalidPattern(
            f"the regular expression in the filter pattern {pattern!r} uses {''.join(refused)!r}, which CloudWatch "
            "does not accept (no parentheses: alternatives with |, e.g. %ERROR|WARN%)"
        )
    try:
        return re.compile(expression).search
    except re.error as exc:
        raise InvalidPattern(f"invalid regular expression in the filter pattern {pattern!r}: {exc}") from None


def _terms(text: str, pattern: str) -> list[tuple[str, str]]:
    """(operator, term) pairs: operator "?" or "-" or ""; a quoted term keeps its spaces."""
    found = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        operator = ""
        if text[i] in "?-" and i + 1 < len(text) and not text[i + 1].isspace():
            operator, i = text[i], i + 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end == -1:
                raise InvalidPattern(f"the filter pattern {pattern!r} opens a quote it does not close")
            term, i = text[i + 1 : end], end + 1
        else:
            end = i
            while end < len(text) and not text[end].isspace():
                end += 1
            term, i = text[i:end], end
        found.append((operator, term))
    return found
