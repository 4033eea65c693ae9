"""How shoehorn words a count, everywhere it writes one (messages, plan lines, EventBridge's rate())."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """"1 action", "5 actions": a count with its noun as a person (and EventBridge) writes it."""
    return f"{count} {word}{'' if count == 1 else 's'}"
