"""``shoehorn url``: print the app's URL and nothing else (for scripts: ``curl $(shoehorn url)/health``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


@app.command()
def url(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
) -> None:
    """Print the URL of the deployed app (only the URL, for scripts)."""
    local_target.use(local)
    from shoehorn.ops.deployment import connect
    from shoehorn.ops.url import url as find_url

    config, aws = connect(directory, stage, profile, region)
    typer.echo(local_target.shown_url(find_url(aws, config)))
