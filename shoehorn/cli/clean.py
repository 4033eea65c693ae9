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
    cache: bool = typer.Option(False, "--cache", help="Also empty the dependency cache shared by every app: the "
                                                      "deps/ folder of $SHOEHORN_CACHE_DIR, else of $XDG_CACHE_HOME/shoehorn, "
                                                      "else of ~/.cache/shoehorn (only the entries builds made)."),
) -> None:
    """Delete the app's builds and unzipped bundles (.shoehorn/); the next build starts from scratch."""
    from shoehorn.bundle.housekeeping import BuildOutputLinked, remove_build_output, remove_dependency_cache
    from shoehorn.bundle.limits import mb
    from shoehorn.cli.render import console_out
    from shoehorn.config import app_directory
    from shoehorn.errors import ConfigError

    out = console_out()
    directory = app_directory(directory)
    output = directory / ".shoehorn"
    existed = output.is_dir()
    try:
        freed = remove_build_output(directory)
    except BuildOutputLinked as linked:
        raise ConfigError(f"{linked}: shoehorn clean deletes only a .shoehorn/ folder it made",
                          f"delete what you no longer need in {linked.target} yourself, or remove the link") from None
    if existed:
        out.print(f"removed {escape(str(output))} ({mb(freed)})", highlight=False)
    else:
        out.print(f"nothing to remove: {escape(str(directory))} has no .shoehorn/", highlight=False)
    if cache:
        emptied = remove_dependency_cache()
        out.print(f"emptied the dependency cache {escape(str(emptied.folder))} ({mb(emptied.freed)})", highlight=False)
        if emptied.left:
            shown = ", ".join(emptied.left[:5]) + (f", +{len(emptied.left) - 5} more" if len(emptied.left) > 5 else "")
            out.print(f"left in it, not made by shoehorn: {escape(shown)}", highlight=False)
