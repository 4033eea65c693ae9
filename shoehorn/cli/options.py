"""Options every command shares, so their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.core import TyperArgument, TyperCommand

from shoehorn import commandline


def given(name: str):
    """A callback that records the option as given, so the hints this command prints carry it
    (shoehorn/commandline.py): a copied hint must act where this command did."""

    def callback(value):
        commandline.record(name, value)
        return value

    return callback


Directory = typer.Option(
    Path("."), "-C", "--dir", help="The app directory (holds app.py / shoehorn.toml).", show_default=True,
    callback=given("directory"),
)
Stage = typer.Option(None, "--stage", "-s", help="Stage to act on (default: 'dev', or the config's default).",
                     callback=given("stage"))
Profile = typer.Option(None, "--profile", help="AWS profile (default: the standard AWS chain).")
Region = typer.Option(None, "--region", help="AWS region (default: AWS_REGION / the profile's region).")
DryRun = typer.Option(False, "--dry-run", help="Print the actions this would take, and why; change nothing.")
Adopt = typer.Option(
    False, "--adopt", help="Take over a function, role, log group or rule under this app's name that shoehorn did "
    "not create (untagged): shoehorn tags it and manages it from then on. Never takes another app's resources.",
)
Local = typer.Option(
    False, "--local", help="Target the local cloud on this machine (`shoehorn cloud status`) instead of AWS; "
    "`up --local` starts it when none runs.", callback=given("local"),
)


class NamedArguments(TyperCommand):
    """typer writes a required argument as ``{name}`` in the usage line, whatever its metavar;
    with this class the usage reads the metavars (``METHOD PATH``, ``KEY=VALUE...``), through the
    public ``collect_usage_pieces`` of click's Command."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [p.metavar or p.name.upper() for p in self.get_params(ctx) if isinstance(p, TyperArgument)]
