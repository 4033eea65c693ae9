"""``shoehorn stop``: the kill switch — reserved concurrency 0, so no invocation runs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from shoehorn.cli import options
from shoehorn.cli.app import app


@app.command()
def stop(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
) -> None:
    """Stop the function now (reserved concurrency 0); `shoehorn start` undoes it."""
    from shoehorn.cli.render import console_out
    from shoehorn.ops.deployment import open_deployment
    from shoehorn.ops.switch import STOPPED_EFFECT
    from shoehorn.ops.switch import stop as switch_off

    done = switch_off(open_deployment(directory, stage, profile, region))
    out = console_out()
    if done.changed:
        out.print(f"[bold red]stopped[/] {done.function_name}: reserved concurrency 0")
    else:
        out.print(f"{done.function_name} was already stopped (reserved concurrency 0)")
    out.print(STOPPED_EFFECT)
