"""``shoehorn stop``: the kill switch — reserved concurrency 0, so no invocation runs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


@app.command()
def stop(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    dry_run: bool = options.DryRun,
    local: bool = options.Local,
) -> None:
    """Stop the function now (reserved concurrency 0); `shoehorn start` undoes it."""
    local_target.use(local)
    from shoehorn.cli.render import ProgressPrinter, console_out, print_plan
    from shoehorn.ops.deployment import open_deployment
    from shoehorn.ops.switch import stop as switch_off
    from shoehorn.ops.switch import stopped_effect

    printer = ProgressPrinter()
    deployment = open_deployment(directory, stage, profile, region, printer)
    done = switch_off(deployment, progress=printer, dry_run=dry_run)
    out = console_out()
    if dry_run and done.changed:
        print_plan(out, done.plan, f"`shoehorn stop` would take for {done.function_name} (nothing changed)")
        return
    if done.changed:
        out.print(f"[bold red]stopped[/] {done.function_name}: reserved concurrency 0")
    else:
        out.print(f"{done.function_name} was already stopped (reserved concurrency 0)")
    out.print(stopped_effect(deployment.config.stage))
