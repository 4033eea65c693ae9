"""Rendering of progress events and results: rich on a terminal, plain lines otherwise."""

from __future__ import annotations

import os
from functools import lru_cache

from rich.console import Console
from rich.markup import escape

from shoehorn import progress as p


@lru_cache(maxsize=None)
def console_out() -> Console:
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped or captured: rich would lay tables out for 80 columns and fold a URL or a hash
        # onto two lines; a script or a log wants each value whole on its line.
        console.width = 200
    return console


@lru_cache(maxsize=None)
def console_err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


_current: list[str] = []  # the steps in progress (a deploy runs several at once), for the line an interruption prints


def step_in_progress() -> str | None:
    return ", ".join(_current) or None


def forget_step() -> None:
    """A new command starts: nothing of the last one is in progress."""
    _current.clear()


class ProgressPrinter:
    """A progress sink that prints each event as one short line on stderr.

    A spinner would hide the history of what happened; deploys are read after the
    fact in CI logs, so every event stays on screen as a line.
    """

    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        self.console = console or console_err()
        self.quiet = quiet or bool(os.environ.get("SHOEHORN_QUIET"))

    def __call__(self, event: p.Event) -> None:
        c = self.console
        match event:
            case p.StepStarted(step=step, detail=detail):
                _current.append(step)
                if not self.quiet:
                    c.print(f"[cyan]•[/] {escape(step)}" + (f" [dim]{escape(detail)}[/]" if detail else ""))
            case p.StepDone(step=step, seconds=seconds, detail=detail):
                if step in _current:
                    _current.remove(step)
                if not self.quiet:
                    extra = f" — {escape(detail)}" if detail else ""
                    c.print(f"[green]✓[/] {escape(step)}{extra} [dim]({_seconds(seconds)})[/]")
            case p.Waiting(what=what, attempt=attempt, delay=delay, reason=reason):
                why = f" ({escape(reason)})" if reason else ""
                c.print(f"[yellow]…[/] waiting for {escape(what)}{why}: retry {attempt} in {delay:.1f} s")
            case p.Info(message=message):
                if not self.quiet:
                    c.print(message, markup=False)
            case p.Warn(message=message):
                c.print(f"[yellow]warning:[/] {escape(message)}")


def print_plan(console: Console, steps, what: str) -> None:
    """The numbered actions of a plan with their reasons (`shoehorn plan`, and every --dry-run)."""
    console.print(f"{len(steps)} action{'s' if len(steps) != 1 else ''} {what}:")
    for number, step in enumerate(steps, 1):
        console.print(f"{number:>3}. {escape(step.describe())}  [dim]({escape(step.reason)})[/]")
