"""``shoehorn status``: everything about the deployed app on one screen (``--json`` for scripts)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _cold_start(cold, live_version: str | None) -> str:
    if cold is None:
        return "[dim]none in the logs of the last 24 h[/]"
    from shoehorn.cli.render import moment

    when = moment(cold.at)
    version = ""
    if cold.version not in (None, live_version):
        version = f", version {cold.version} (none yet for the live version)"
    return escape(f"Init Duration {cold.init_ms:.0f} ms at {when}{version}")


def _weights(status) -> str:
    """A weighted alias (a canary set outside shoehorn) sends only part of the requests to the live version."""
    if not status.live_weights:
        return ""
    from shoehorn.deploy.actions import weights_text

    share = 1 - sum(share for _, share in status.live_weights)
    return f" [yellow]({round(share * 100, 2):g}% of requests; {escape(weights_text(status.live_weights))}: weighted routing)[/]"


def _settings(status, versions: str) -> list[tuple[str, str]]:
    """The settings worth a line only when set, or other than the default."""
    rows = []
    if status.ephemeral_storage != 512:  # Lambda's default
        rows.append(("ephemeral storage", f"{status.ephemeral_storage} MB of /tmp"))
    if status.snapstart:
        rows.append(("snapstart", f"on [dim](billed per published version kept: `{versions}`)[/]"))
    if status.environment_names:
        rows.append(("environment", escape(", ".join(status.environment_names)) + " [dim](names only)[/]"))
    if status.endpoint_type not in (None, "REGIONAL"):  # shoehorn's default
        rows.append(("endpoint type", escape(status.endpoint_type)))
    if status.prime:
        paths = ", ".join(f"GET {path}" for path in status.prime)
        rows.append(("prime", escape(paths) + " [dim](shoehorn.toml's; not read back from AWS)[/]"))
    return rows


def _table() -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="dim", no_wrap=True, min_width=len("reserved concurrency"))  # the longest key
    table.add_column(overflow="fold")  # a hash is copied, never cut with "…"
    return table


def render_status(console: Console, status) -> None:
    from shoehorn.cli.render import moment, plural
    from shoehorn.commandline import suggest
    from shoehorn.ops.status import code_not_compared

    table = _table()
    start = escape(suggest("start", stage=status.stage))
    state = f"[bold red]stopped[/] (reserved concurrency 0; `{start}` restores it)" if status.stopped else "[green]running[/]"
    rows = [
        ("app", escape(f"{status.app} (stage {status.stage}, {status.region})")),
        ("url", escape(status.url) if status.url else "[red]no API[/]"),
        ("state", state),
        ("function", escape(status.function_name)),
        ("live version", (escape(status.live_version) if status.live_version else "[red]no live alias[/]") + (escape(f", deployed {moment(status.deployed_at)}") if status.deployed_at else "") + _weights(status)),
        ("code", f"{_size(status.code_size)}, sha256 {status.sha256}"),
        ("runtime", f"{status.runtime} on {status.architecture}"),
        ("memory / timeout", f"{status.memory} MB / {status.timeout} s"),
        *_settings(status, escape(suggest("rollback --list", stage=status.stage))),
        ("reserved concurrency", escape(status.concurrency_text)),
        ("warm-up", escape(status.warm or "off") + (f" [dim]({escape(status.warm_note)})[/]" if status.warm_note else "")),
        ("log retention", plural(status.log_retention_days, "day") if status.log_retention_days else "never expires"),
        ("last cold start", _cold_start(status.last_cold_start, status.live_version)),
    ]  # fmt: skip
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        if key == "url" and status.url:
            # on a soft-wrapped line of its own: folded by the table at the terminal's width, the URL broke
            # when copied; the terminal wraps this line on screen only
            console.print(table)
            console.print(f"[dim]{key:<{width}}[/]  {value}", soft_wrap=True)
            table = _table()
        else:
            table.add_row(key, value)
    console.print(table)
    if not status.drift:
        console.print("[green]no drift[/]: AWS matches what `shoehorn up` would set")
    else:
        console.print(f"[yellow]drift[/] ({len(status.drift)}): AWS differs from what `shoehorn up` would set")
        for item in status.drift:
            console.print(f"  [yellow]•[/] {escape(item.what)}  [dim]fix:[/] {escape(item.fix)}")
    console.print(f"[dim]{escape(code_not_compared(status.stage))}[/]")
    from shoehorn.deploy.renamed import OtherName, words

    for other in status.other_names:
        said = words(status.app, OtherName(other, status.stage, f"{other}-{status.stage}"))
        console.print(f"[yellow]note:[/] {escape(said)}")


@app.command()
def status(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON (for scripts)."),
) -> None:
    """Show URL, live version, configuration, concurrency, warm-up, retention, the last cold start and drift
    (and the stack a renamed app left under its old name)."""
    local_target.use(local)
    import json
    from dataclasses import replace

    from shoehorn.cli.render import console_out
    from shoehorn.ops.deployment import connect
    from shoehorn.ops.status import collect

    config, aws = connect(directory, stage, profile, region)
    result = collect(aws, config)
    result = replace(result, url=local_target.shown_url(result.url)) if result.url else result
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        render_status(console_out(), result)
