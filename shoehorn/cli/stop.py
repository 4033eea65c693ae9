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
    local: bool = options.Local,
) -> None:
    """Stop the function now (reserved concurrency 0); `shoehorn start` undoes it."""
    local_target.use(local)
    from shoehorn.cli.render import console_out
    from shoehorn.ops.deployment import connect, locate
    from shoehorn.ops.switch import STOPPED_EFFECT
    from shoehorn.ops.switch import stop as switch_off

    config, aws = connect(directory, stage, profile, region)
    done = switch_off(locate(aws, config))
    out = console_out()
    if done.changed:
        out.print(f"[bold red]stopped[/] {done.function_name}: reserved concurrency 0")
    else:
        out.print(f"{done.function_name} was already stopped (reserved concurrency 0)")
    out.print(STOPPED_EFFECT)
