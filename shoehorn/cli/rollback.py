"""``shoehorn rollback [VERSION]``: point ``live`` at the previous (or given) version; ``--list`` shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


def render_versions(console: Console, versions) -> None:
    from shoehorn.deploy.naming import sha256_hex

    table = Table(box=None, pad_edge=False)
    for column in ("", "version", "deployed (UTC)", "code sha256"):
        table.add_column(column, overflow="fold")
    for version in reversed(versions):  # newest first, like `git log`
        table.add_row("[green]live →[/]" if version.live else "", str(version.number), version.deployed_at,
                      sha256_hex(version.code_sha256))
    console.print(table)


@app.command(cls=options.NamedArguments)
def rollback(
    version: Optional[int] = typer.Argument(None, metavar="[VERSION]",
                                            help="Version to make live (default: the one before the live one)."),
    list_versions: bool = typer.Option(False, "--list", "-l", help="List published versions instead."),
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    dry_run: bool = options.DryRun,
    local: bool = options.Local,
) -> None:
    """Move the live alias to an earlier version at once (no build, no API redeploy)."""
    if list_versions and (version is not None or dry_run):
        from shoehorn.errors import ConfigError

        raise ConfigError("--list only lists the versions: it takes no version and no --dry-run",
                          "`shoehorn rollback --list`, then `shoehorn rollback N`")
    local_target.use(local)
    from shoehorn.cli.render import ProgressPrinter, console_err, console_out, print_plan
    from shoehorn.ops import versions as core
    from shoehorn.ops.deployment import open_deployment

    printer = ProgressPrinter()
    deployment = open_deployment(directory, stage, profile, region, printer)
    if list_versions:
        render_versions(console_out(), core.list_versions(deployment))
        return
    done = core.rollback(deployment, version, progress=printer, dry_run=dry_run)
    if dry_run and done.plan:
        what = f"`shoehorn rollback` would take for {done.function_name} (nothing changed)"
        print_plan(console_out(), done.plan, what)
        return
    if done.from_version == done.to_version:
        console_err().print(f"{done.function_name}: version {done.to_version} is already live; nothing changed")
        return
    console_out().print(f"{done.function_name}: live {done.from_version} -> {done.to_version}")
    console_err().print(f"[dim]in effect now; `shoehorn rollback {done.from_version}` goes back, and the next "
                        "`shoehorn up` deploys your current code again[/]")
