"""Typed progress events emitted by core code (bundle, deploy, local).

Core code never prints: it calls a ``Progress`` sink with these events and only
``shoehorn.cli`` renders them (rich on a terminal, plain lines in CI). Tests
collect them in a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True, slots=True)
class StepStarted:
    """A named step began, e.g. ``"install dependencies"``."""

    step: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StepDone:
    """A step finished after ``seconds``; ``detail`` is a short result."""

    step: str
    seconds: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Waiting:
    """Core code is waiting on something outside its control (AWS, a process)."""

    what: str
    attempt: int = 1
    delay: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Info:
    message: str


@dataclass(frozen=True, slots=True)
class Warn:
    message: str


Event = Union[StepStarted, StepDone, Waiting, Info, Warn]
Progress = Callable[[Event], None]


def discard(event: Event) -> None:
    """A sink that drops everything (library use, quiet mode)."""


class Recorder:
    """A sink that keeps every event; used by tests and by callers that summarise."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]
