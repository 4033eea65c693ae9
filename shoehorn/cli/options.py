"""Options every command shares, so their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path

import typer

Directory = typer.Option(
    Path("."), "-C", "--dir", help="The app directory (holds app.py / shoehorn.toml).", show_default=True
)
Stage = typer.Option(None, "--stage", "-s", help="Stage to act on (default: 'dev', or the config's default).")
Profile = typer.Option(None, "--profile", help="AWS profile (default: the standard AWS chain).")
Region = typer.Option(None, "--region", help="AWS region (default: AWS_REGION / the profile's region).")
Local = typer.Option(
    False, "--local", help="Target the local cloud on this machine (`shoehorn cloud status`) instead of AWS; "
    "`up --local` starts it when none runs.",
)
