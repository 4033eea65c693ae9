"""``shoehorn rollback [VERSION]``: point ``live`` at the previous (or given) version; ``--list`` shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


def render_versions(console: Console, versions) -> None:
    from shoehorn.deploy.naming import sha256_hex

    table = Table(box=None, pad_edge=False)
    for column in ("", "version", "deployed (UTC)", "code sha256"):
        table.add_column(column, overflow="fold")
    for version in reversed(versions):  # newest first, like `git log`
        table.add_row(_marker(version), str(version.number), version.deployed_at, sha256_hex(version.code_sha256))
    console.print(table)


def _marker(version) -> str:
    """``live →`` on the alias's version; with weighted routing, each version's share of requests."""
    share = "" if version.share is None else f" {round(version.share * 100, 2):g}%"
    if version.live:
        return f"[green]live →[/]{share}"
    return f"[yellow]live{share} →[/]" if share else ""


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
        from shoehorn.commandline import suggest
        from shoehorn.errors import ConfigError

        raise ConfigError("--list only lists the versions: it takes no version and no --dry-run",
                          f"`{suggest('rollback --list')}`, then `{suggest('rollback N')}`")
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
    if done.from_version == done.to_version and not done.cleared:
        console_err().print(f"{done.function_name}: version {done.to_version} is already live; nothing changed")
        return
    from shoehorn.commandline import suggest
    from shoehorn.deploy.actions import weights_text

    cleared = (f"; every request now goes to version {done.to_version} (removed the weighted routing that sent "
               f"{weights_text(done.cleared)})") if done.cleared else ""
    console_out().print(f"{done.function_name}: live {done.from_version} -> {done.to_version}{cleared}")
    stage = deployment.config.stage
    console_err().print(f"[dim]in effect now; `{escape(suggest(f'rollback {done.from_version}', stage=stage))}` goes "
                        f"back, and the next `{escape(suggest('up', stage=stage))}` deploys your current code again[/]")
