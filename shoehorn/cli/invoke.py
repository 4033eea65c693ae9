"""``shoehorn invoke METHOD PATH``: one request straight to the deployed function, bypassing API Gateway."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.console import Console
from rich.text import Text

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app

_TEXTUAL = ("text/", "application/json", "application/xml", "application/javascript", "+json", "+xml",
            "application/x-www-form-urlencoded")  # fmt: skip


def render_result(out: Console, err: Console, result) -> None:
    """Status and headers on stderr, the body on stdout: ``shoehorn invoke GET /x > file`` keeps
    the body byte for byte, as ``curl`` would."""
    err.print(f"[bold]{result.status}[/]  [dim](version {result.version})[/]")
    for name, value in result.headers:
        err.print(Text.assemble((name, "cyan"), ": ", value))  # Text: brackets in values are not markup
    err.print()
    kind = (result.header("content-type") or "").lower()
    if not result.body:
        return
    if any(marker in kind for marker in _TEXTUAL) or not kind:
        try:
            out.file.write(result.body.decode("utf-8"))
            if not result.body.endswith(b"\n"):
                out.file.write("\n")
            out.file.flush()
            return
        except UnicodeDecodeError:
            pass
    raw = getattr(out.file, "buffer", None)  # a text stream over bytes, unless stdout was replaced
    if out.is_terminal or raw is None:
        err.print(f"[dim]<{len(result.body)} bytes of {escape(kind or 'binary data')}; redirect to a file to keep them>[/]")
        return
    out.file.flush()
    raw.write(result.body)
    raw.flush()


@app.command(cls=options.NamedArguments)
def invoke(
    method: str = typer.Argument(..., metavar="METHOD",
                                 help="HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS."),
    path: str = typer.Argument(..., metavar="PATH", help="Path with optional query, e.g. '/items?page=2'."),
    data: Optional[str] = typer.Option(None, "--data", "-d", help="Body: @file, - for stdin, or the text itself."),
    header: Optional[List[str]] = typer.Option(None, "--header", "-H", help="A header, 'Name: value' (repeatable)."),
    source: str = typer.Option("rest", "--source", help="Event format to send: rest, http, url or alb."),
    multi_value: bool = typer.Option(
        False, "--multi-value",
        help="With --source alb: as a target group with multi-value headers on (off by default on AWS, as here).",
    ),
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
) -> None:
    """Send one HTTP request to the deployed function as API Gateway would, and print the answer."""
    local_target.use(local)
    from shoehorn.cli.render import console_err, console_out
    from shoehorn.errors import ConfigError
    from shoehorn.ops.deployment import connect, locate
    from shoehorn.ops.invocation_request import SOURCES, request
    from shoehorn.ops.invoke import invoke as send

    if source not in SOURCES:
        raise ConfigError(f"--source {source!r} is not an event source", "use one of " + ", ".join(SOURCES))
    if multi_value and source != "alb":
        raise ConfigError("--multi-value only applies with --source alb (an ALB target group's header mode)",
                          "add --source alb, or leave --multi-value out")
    built = request(method, path, data=data, headers=tuple(header or ()))
    config, aws = connect(directory, stage, profile, region)
    result = send(locate(aws, config), built, source=source, multi_value=multi_value)
    render_result(console_out(), console_err(), result)
