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
    local: bool = options.Local,
) -> None:
    """Start the function again: the config's `concurrency` cap, or no cap."""
    local_target.use(local)
    from shoehorn.cli.render import console_out
    from shoehorn.ops.deployment import connect, locate
    from shoehorn.ops.switch import start as switch_on

    config, aws = connect(directory, stage, profile, region)
    done = switch_on(locate(aws, config))
    cap = "uncapped" if done.after is None else f"reserved concurrency {done.after}"
    if done.changed:
        console_out().print(f"[green]started[/] {done.function_name}: {cap}")
    else:
        console_out().print(f"{done.function_name} was already running ({cap})")
