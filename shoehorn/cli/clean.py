"""``shoehorn clean``: delete the app's build output (.shoehorn/), and with --cache the dependency cache."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from shoehorn.cli.app import app
from shoehorn.cli.options import Directory


@app.command()
def clean(
    directory: Path = Directory,
    cache: bool = typer.Option(False, "--cache", help="Also empty the dependency cache shared by every app "
                                                      "(~/.cache/shoehorn/deps or $SHOEHORN_CACHE_DIR)."),
) -> None:
    """Delete the app's builds and unzipped bundles (.shoehorn/); the next build starts from scratch."""
    from shoehorn.bundle.housekeeping import remove_build_output, remove_dependency_cache
    from shoehorn.bundle.limits import mb
    from shoehorn.cli.render import console_out
    from shoehorn.config import app_directory

    out = console_out()
    directory = app_directory(directory)
    output = directory / ".shoehorn"
    if output.is_dir():
        freed = remove_build_output(directory)
        out.print(f"removed {escape(str(output))} ({mb(freed)})", highlight=False)
    else:
        out.print(f"nothing to remove: {escape(str(directory))} has no .shoehorn/", highlight=False)
    if cache:
        where, freed = remove_dependency_cache()
        out.print(f"emptied the dependency cache {escape(str(where))} ({mb(freed)})", highlight=False)
