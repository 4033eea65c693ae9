"""``shoehorn logs``: the function's CloudWatch logs, grouped by request, newest last."""

from __future__ import annotations

import signal
from datetime import datetime, timezone

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


# Requests shown by default, the newest: a busy function writes millions of lines a day, and reading
# them all takes minutes (ops/logs.read_newest reads back from now only as far as it must).
LIMIT = 100


def _clock(ms: int, *, with_date: bool = False) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S.%f")[: 19 if with_date else 12]


def _line(prefix: str, text: str, error: bool) -> Text:
    """A (possibly multi-line) message with its continuation lines indented under the first,
    so a traceback stays one readable block."""
    pad = " " * len(prefix)
    body = text.replace("\n", "\n" + pad)
    return Text(prefix + body, style="red" if error else "")


def render_invocations(console: Console, invocations, filtered: bool = False) -> None:
    # With --filter, a line that names no request (a plain print) lost the START line that placed it.
    unnamed = ("(request not known: lines that name none, whose START line the filter left out)" if filtered
               else "(outside any request: init or background)")
    for invocation in invocations:
        label = invocation.request_id or unnamed
        header = Text(f"── {_clock(invocation.started, with_date=True)} UTC  {label}", style="bold")
        if invocation.failed:
            header.append("  failed", style="bold red")
        console.print(header)
        for line in invocation.lines:
            console.print(_line(f"  {_clock(line.timestamp)}  ", line.text, line.is_error))


def render_followed(console: Console, lines) -> None:
    for _stream, line in lines:
        tag = (line.request_id or "-")[:8].ljust(8)
        console.print(_line(f"{_clock(line.timestamp)} {tag} │ ", line.text, line.is_error))


@app.command()
def logs(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
    follow: bool = typer.Option(False, "--follow", "-f",
                                help="Keep printing new lines until Ctrl-C (exit 0; SIGTERM exits 143)."),
    since: str = typer.Option("10m", "--since", help="How far back: 10m, 2h, 1d or an ISO-8601 time (UTC if no zone)."),
    filter_pattern: str = typer.Option(
        "", "--filter", help="A CloudWatch filter pattern, e.g. ERROR or '\"timed out\"'."
    ),
    limit: Optional[int] = typer.Option(
        None, "--limit", min=0, help=f"Show the newest N requests, as tail does (each with all its lines; init or "
        f"background output between requests counts as one; 0: every one since --since; default {LIMIT}; "
        "not with -f, which prints every line as it comes)."
    ),
) -> None:
    """Show the function's logs, grouped by request id (errors in red, tracebacks whole)."""
    if follow and limit is not None:
        from shoehorn.errors import ConfigError

        raise ConfigError("--limit does not apply with -f, which prints every line as it comes",
                          "drop --limit, or drop -f to see the newest that many requests")
    limit = LIMIT if limit is None else limit
    local_target.use(local)
    import time

    from shoehorn.cli.render import console_err, console_out
    from shoehorn.ops import logs as core
    from shoehorn.ops.deployment import connect
    from shoehorn.ops.loglines import group, to_lines
    from shoehorn.ops.since import parse_since

    start_ms = parse_since(since, now=time.time())
    config, aws = connect(directory, stage, profile, region)
    # "nothing deployed" / "no such stage" / "not this app's" before reading logs; a kept log group is read
    gone = core.check_source(aws, config)
    if gone:
        console_err().print(f"[yellow]{escape(gone)}[/]", highlight=False)
    read_page = core.page_reader(aws, core.LogQuery(config.log_group, start_ms, filter_pattern))
    console = console_out()
    if not follow:
        if limit:
            invocations, more = core.read_newest(read_page, start_ms, limit, now_ms=int(time.time() * 1000))
        else:
            invocations, more = group(core.read_all(read_page, start_ms)), False
        render_invocations(console, invocations, filtered=bool(filter_pattern))
        if more:
            what = "request" if limit == 1 else "requests"
            console_err().print(f"[yellow]showing the newest {limit} {what}; older ones since {escape(since)}:[/] "
                                "raise --limit (0 for all)", highlight=False)
        if not invocations:
            what = f" matching {escape(repr(filter_pattern))}" if filter_pattern else ""
            console_err().print(f"[dim]no log lines{what} in {config.log_group} since {escape(since)} "
                                "(older ones: --since 1d; new ones as they come: -f)[/]", highlight=False)
        return
    current: dict = {}
    tracebacks: dict = {}
    try:
        for batch in core.follow(read_page, start_ms):
            render_followed(console, to_lines(batch, current, tracebacks))
            console.file.flush()  # a pipe is block-buffered: show lines as they arrive
    except KeyboardInterrupt as stopped:
        # Ctrl-C is how the user ends --follow: a normal exit (0), not an error. SIGTERM is someone else
        # stopping it (a supervisor, `timeout`, a CI job): 143 as for every command (cli/app.py), so a
        # script can tell a follow that was cut short from one the user ended.
        if getattr(stopped, "signum", signal.SIGINT) == signal.SIGTERM:
            raise
        return
