"""``shoehorn plan``: print exactly the actions ``shoehorn up`` would apply now; change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


@app.command()
def plan(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
    warm: Optional[str] = typer.Option(None, "--warm", help="Plan as `up --warm` would (e.g. 5m, or 'off')."),
    adopt: bool = options.Adopt,
) -> None:
    """Show what `shoehorn up` would change in AWS, and why. Reads only."""
    from shoehorn import bundle as packager
    from shoehorn import deploy
    from shoehorn.cli.render import ProgressPrinter, console_out, print_plan
    from shoehorn.deploy.resources.schedule_rate import with_warm
    from shoehorn.ops.deployment import aws_for, load_config

    printer = ProgressPrinter()
    # shoehorn.toml and --warm are read before a local cloud starts: a mistake in them costs no start
    config = with_warm(load_config(directory, stage, printer), warm)
    local_target.use(local, start=True)
    aws = aws_for(profile, region, printer)  # a missing region fails before the build
    local_target.require_credentials(aws, local)  # and missing credentials too
    built = packager.build(config, progress=printer)
    steps = deploy.plan(config, built, aws, printer, adopt=adopt)
    out = console_out()
    if not steps:
        out.print(f"no changes: AWS already matches {config.name} (stage {config.stage})")
        return
    print_plan(out, steps, f"for {config.name} (stage {config.stage})")
