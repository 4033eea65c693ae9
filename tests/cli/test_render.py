"""Output that goes to a pipe keeps each value whole on its line (scripts copy URLs and hashes)."""

from __future__ import annotations

import pytest
from rich.table import Table

from shoehorn.cli import render

URL = "https://abcdefghij.execute-api.eu-central-1.amazonaws.com/production/with/a/long/path/"


def _printed(monkeypatch: pytest.MonkeyPatch, columns: str | None, capsys: pytest.CaptureFixture[str]) -> str:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    render.console_out.cache_clear()
    try:
        table = Table(show_header=False, box=None)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        table.add_row("url", URL)
        render.console_out().print(table)
    finally:
        render.console_out.cache_clear()
    return capsys.readouterr().out


def test_piped_output_is_not_folded_at_80_columns(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert URL in _printed(monkeypatch, None, capsys)


def test_columns_still_rules_when_set(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = _printed(monkeypatch, "60", capsys)
    assert URL not in out and len(out.splitlines()) > 1


def test_progress_lines_print_brackets_as_they_are() -> None:
    # core code's messages carry user and app text: "[/]" raised MarkupError, "[environment]" vanished
    import io

    from rich.console import Console

    from shoehorn import progress as p

    sink = io.StringIO()
    printer = render.ProgressPrinter(Console(file=sink, width=200))
    printer(p.StepStarted("check [/x]", "GET /[a]"))
    printer(p.StepDone("check [/x]", 0.5, "list[str]"))
    printer(p.Info("printed: [/]"))
    printer(p.Warn("no [stages.prod] table"))
    printer(p.Waiting("the [role]", 1, 0.5, "[/] not yet"))
    text = sink.getvalue()
    for literal in ("check [/x]", "GET /[a]", "list[str]", "printed: [/]", "no [stages.prod] table", "the [role]", "[/] not yet"):
        assert literal in text, (literal, text)


def _screen(written: str) -> list[str]:
    """What a terminal shows after ``written``: the few controls rich's Live uses (carriage return,
    erase line, cursor up), colours dropped."""
    import re

    lines, row = [""], 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+", written):
        if token == "\n":
            row += 1
            if row == len(lines):
                lines.append("")
        elif token == "\r" or token.endswith("m") or token.startswith("\x1b[?"):
            continue  # the cursor's column is not modelled: every write after \r starts the line
        elif token == "\x1b[2K":
            lines[row] = ""
        elif token.endswith("A"):
            row -= int(token[2:-1] or 1)
        else:
            lines[row] += token
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _steps(printer) -> None:
    from shoehorn import progress as p

    printer(p.StepStarted("create role", "the role does not exist"))
    printer(p.StepStarted("create log group"))  # a deploy runs steps side by side
    printer(p.Info("a note"))
    printer(p.StepDone("create log group", 0.05))
    printer(p.StepDone("create role", 0.06, "done"))


def test_on_a_terminal_a_step_shows_as_one_line_its_start_replaced_by_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    monkeypatch.delenv("CI", raising=False)
    sink = io.StringIO()
    console = Console(file=sink, force_terminal=True, width=100)
    _steps(render.ProgressPrinter(console))
    assert _screen(sink.getvalue()) == ["a note", "✓ create log group (50 ms)", "✓ create role — done (60 ms)"]
    import re

    assert "• create role the role does not exist" in re.sub(r"\x1b\[[0-9;]*m", "", sink.getvalue())  # while it ran


@pytest.mark.parametrize("ci", [None, "true"])
def test_piped_output_and_ci_logs_keep_every_line(monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    import io

    from rich.console import Console

    if ci is None:  # piped: no terminal
        monkeypatch.delenv("CI", raising=False)
        console = Console(file=io.StringIO(), width=100)
    else:  # a CI runner that looks like a terminal
        monkeypatch.setenv("CI", ci)
        console = Console(file=io.StringIO(), force_terminal=True, width=100)
    _steps(render.ProgressPrinter(console))
    assert _screen(console.file.getvalue()) == [
        "• create role the role does not exist", "• create log group", "a note", "✓ create log group (50 ms)",
        "✓ create role — done (60 ms)"]


def test_a_warning_takes_the_rows_of_steps_that_may_never_end(monkeypatch: pytest.MonkeyPatch) -> None:
    # dev --lambda: a rebuild fails mid-step (no StepDone) and says so with a warning, then serves on
    import io

    from rich.console import Console

    from shoehorn import progress as p

    monkeypatch.delenv("CI", raising=False)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    printer = render.ProgressPrinter(console)
    printer(p.StepStarted("check bundle"))
    printer(p.Warn("rebuild failed, still serving the previous bundle"))
    printer(p.Info("GET /dev/ 200 3.0 ms"))
    assert _screen(console.file.getvalue()) == ["warning: rebuild failed, still serving the previous bundle",
                                                "GET /dev/ 200 3.0 ms"]
    assert printer._live is None


def test_times_are_shown_as_local_time_to_the_second_and_how_long_ago() -> None:
    # status printed LastModified as moto/AWS write it: 2026-12-01T13:44:19.028113000Z (--json keeps that)
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 12, 1, 13, 47, 30, tzinfo=timezone.utc).timestamp()
    berlin = timezone(timedelta(hours=1))
    assert render.moment("2026-12-01T13:44:19.028113000Z", now=now, tz=berlin) == "2026-12-01 14:44:19, 3 min ago"
    assert render.moment("2026-12-01T11:44:19.964+0000", now=now, tz=timezone.utc) == "2026-12-01 11:44:19, 2 h ago"
    assert render.moment(int(now * 1000) - 5_000, now=now, tz=timezone.utc) == "2026-12-01 13:47:25, just now"
    assert render.moment("yesterday-ish", now=now) == "yesterday-ish"


def test_counts_of_one_read_in_the_singular() -> None:
    import io

    from rich.console import Console

    from shoehorn.local.front import _why
    from shoehorn.local.pool import Throttled

    assert render.plural(1, "action") == "1 action" and render.plural(5, "action") == "5 actions"
    assert render.plural(0, "change") == "0 changes"

    class Step:
        reason = "the role does not exist"

        def describe(self) -> str:
            return "create IAM role"

    console = Console(file=io.StringIO(), width=200)
    render.print_plan(console, [Step()], "`up` would take")
    assert console.file.getvalue().startswith("1 action `up` would take:")
    assert _why(Throttled(limit=1)) == "throttled: its one container is busy (concurrency limit)"
