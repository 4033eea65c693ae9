"""``shoehorn start``: undo ``stop`` — back to the configured concurrency cap, or uncapped."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


@app.command()
def start(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    dry_run: bool = options.DryRun,
    local: bool = options.Local,
) -> None:
    """Start the function again: the config's `concurrency` cap, or no cap."""
    local_target.use(local)
    from shoehorn.cli.render import ProgressPrinter, console_out, print_plan
    from shoehorn.ops.deployment import open_deployment
    from shoehorn.ops.switch import start as switch_on

    printer = ProgressPrinter()
    done = switch_on(open_deployment(directory, stage, profile, region, printer), progress=printer, dry_run=dry_run)
    cap = "uncapped" if done.after is None else f"reserved concurrency {done.after}"
    if dry_run and done.changed:
        print_plan(console_out(), done.plan, f"`shoehorn start` would take for {done.function_name} (nothing changed)")
        return
    if done.changed:
        console_out().print(f"[green]started[/] {done.function_name}: {cap}")
    else:
        console_out().print(f"{done.function_name} was already running ({cap})")
