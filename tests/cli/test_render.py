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
