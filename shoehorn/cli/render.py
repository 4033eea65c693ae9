"""Rendering of progress events and results: rich on a terminal, plain lines otherwise."""

from __future__ import annotations

import atexit
import os
import threading
from functools import lru_cache

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from shoehorn import progress as p
from shoehorn.words import plural  # noqa: F401 — the CLI's commands take it from here


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


def redraws(console: Console) -> bool:
    """Whether step start lines may be redrawn in place: on a terminal someone watches it happen. Piped
    output and CI logs (CI set, as every CI service sets it) keep every line: they are the record."""
    return console.is_terminal and not console.is_dumb_terminal and not os.environ.get("CI")


class ProgressPrinter:
    """A progress sink that prints each event as one short line on stderr.

    Piped or in CI, every event stays as a line: deploys are read after the fact in CI logs. On a
    terminal a step's start line is transient (rich's Live, below the printed lines, one row per
    step in progress: a deploy runs several at once) and its end line replaces it, so each step
    reads as one line; the end line names the step, its result and its time, so nothing is lost.
    """

    def __init__(self, console: Console | None = None, quiet: bool = False, transient: bool | None = None) -> None:
        self.console = console or console_err()
        self.quiet = quiet or bool(os.environ.get("SHOEHORN_QUIET"))
        self.transient = redraws(self.console) if transient is None else transient
        self._running: dict[str, str] = {}  # step -> detail, in the order they started
        self._live: Live | None = None
        self._lock = threading.RLock()  # deploy actions report from their own threads

    def __call__(self, event: p.Event) -> None:
        with self._lock:
            self._show(event)

    def _show(self, event: p.Event) -> None:
        c = self.console
        match event:
            case p.StepStarted(step=step, detail=detail):
                _current.append(step)
                if self.quiet:
                    return
                if self.transient:
                    self._running[step] = detail
                    self._redraw()
                else:
                    c.print(f"[cyan]•[/] {escape(step)}" + (f" [dim]{escape(detail)}[/]" if detail else ""))
            case p.StepDone(step=step, seconds=seconds, detail=detail):
                if step in _current:
                    _current.remove(step)
                if not self.quiet:
                    if self._running.pop(step, None) is not None:
                        self._redraw()  # its row goes first, so the end line takes its place
                    extra = f" — {escape(detail)}" if detail else ""
                    c.print(f"[green]✓[/] {escape(step)}{extra} [dim]({_seconds(seconds)})[/]")
            case p.Waiting(what=what, attempt=attempt, delay=delay, reason=reason):
                why = f" ({escape(reason)})" if reason else ""
                c.print(f"[yellow]…[/] waiting for {escape(what)}{why}: retry {attempt} in {delay:.1f} s")
            case p.Info(message=message):
                if not self.quiet:
                    c.print(message, markup=False)
            case p.Warn(message=message):
                if self._running:
                    # a step that fails sends no StepDone, and `dev --lambda` goes on after a failed rebuild
                    # with a warning: its row would stay under every later line (a running step's end line
                    # still comes)
                    self._running.clear()
                    self._redraw()
                c.print(f"[yellow]warning:[/] {escape(message)}")

    def _redraw(self) -> None:
        """The steps in progress as the live rows under the printed lines (none: the live area goes)."""
        if not self._running:
            self.close()
            return
        rows = Group(*(Text.assemble(("• ", "cyan"), step, (f" {detail}" if detail else "", "dim"),
                                     no_wrap=True, overflow="ellipsis")
                       for step, detail in self._running.items()))
        if self._live is None:
            # no refresh thread (rows change only on events) and no redirection of sys.stdout/err:
            # what the command prints on stdout stays on stdout
            self._live = Live(rows, console=self.console, transient=True, auto_refresh=False,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start(refresh=True)
            _open_lives.append(self)
        else:
            self._live.update(rows, refresh=True)

    def close(self) -> None:
        """Take the live rows away (and show the cursor again); called at exit, so an error or Ctrl-C
        mid-step (whose message says the step) leaves no half-drawn area behind."""
        with self._lock:
            live, self._live = self._live, None
            if live is not None:
                live.stop()
                if self in _open_lives:
                    _open_lives.remove(self)


_open_lives: list[ProgressPrinter] = []


@atexit.register
def _close_lives() -> None:
    for printer in list(_open_lives):
        printer.close()




def moment(value: str | int | float, *, now: float | None = None, tz=None) -> str:
    """A time as a person reads it: local time to the second and how long ago ("2026-12-01 14:44:19,
    3 min ago"), from an ISO-8601 string as AWS writes it (``...028113000Z``, ``...964+0000``) or epoch
    ms. --json keeps the raw form; a value that does not parse is shown as it came."""
    import re
    import time
    from datetime import datetime, timezone

    if isinstance(value, (int, float)):
        at = datetime.fromtimestamp(value / 1000, timezone.utc)
    else:
        # to the second: drop the fraction (AWS writes up to 9 digits), and name the zone as Python reads it
        found = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?", value.strip())
        if not found:
            return value
        zone = found.group(2) or "Z"
        zone = "+00:00" if zone == "Z" else zone[:3] + ":" + zone[-2:]
        at = datetime.fromisoformat(found.group(1) + zone)
    seconds = (time.time() if now is None else now) - at.timestamp()
    if seconds < -60:
        ago = "in the future"  # a clock ahead of this machine's
    elif seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{seconds // 60:.0f} min ago"
    elif seconds < 48 * 3600:
        ago = f"{seconds / 3600:.0f} h ago"
    else:
        ago = f"{seconds / 86400:.0f} days ago"
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M:%S}, {ago}"


def print_plan(console: Console, steps, what: str) -> None:
    """The numbered actions of a plan with their reasons (`shoehorn plan`, and every --dry-run)."""
    console.print(f"{plural(len(steps), 'action')} {what}:")
    for number, step in enumerate(steps, 1):
        console.print(f"{number:>3}. {escape(step.describe())}  [dim]({escape(step.reason)})[/]")
